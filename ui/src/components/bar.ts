// One bar of a chart: a label and a value, optionally split into coloured parts.
export interface Bar {
  label: string;
  value: number;
  parts?: { label: string; value: number }[];
}
