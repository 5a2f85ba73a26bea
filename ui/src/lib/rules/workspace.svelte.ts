// The rules being edited: a working copy of the files beside the version they came from.
// Compiled on every edit in the page (the engine is fast and pure), saved as a new version.
import { compileRules } from '../../../../engine/compile.ts';
import { operatorNames } from '../../../../engine/conditions/index.ts';
import type { Diagnostic, RuleSet, SourceFile } from '../../../../engine/types.ts';
import { api, listAll } from '../api.ts';

export interface VersionInfo {
  version: string;
  source: string;
  createdAt: string;
  active: boolean;
}

export const workspace = $state({
  loaded: false,
  files: [] as SourceFile[],
  /** The files of the version the working copy started from, for comparisons. */
  baseFiles: [] as SourceFile[],
  baseVersion: '',
  selected: '',
  versions: [] as VersionInfo[],
});

const STORAGE_KEY = 'roster.workspace';

/** The working copy survives a reload (it is only rule text, never a secret). */
function persist(): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ files: workspace.files, baseVersion: workspace.baseVersion, selected: workspace.selected }));
  } catch {
    // storage full or disabled: the working copy still lives in memory.
  }
}

/** Every saved version, newest first: all pages, so the active one is there however many there are. */
export async function listVersions(): Promise<VersionInfo[]> {
  workspace.versions = await listAll<VersionInfo>('/v1/rule-sets');
  return workspace.versions;
}

export async function versionFiles(version: string): Promise<SourceFile[]> {
  const body = await api<{ files: SourceFile[] }>(`/v1/rule-sets/${encodeURIComponent(version)}`);
  return body.files;
}

/** Loads the active version (or keeps a working copy from this tab's earlier visit). */
export async function loadWorkspace(): Promise<void> {
  const versions = await listVersions();
  const active = versions.find((v) => v.active) ?? versions[0];
  const baseFiles = active ? await versionFiles(active.version) : [];
  workspace.baseFiles = baseFiles;
  workspace.baseVersion = active?.version ?? '';
  const saved = sessionStorage.getItem(STORAGE_KEY);
  const kept = saved ? (JSON.parse(saved) as { files: SourceFile[]; baseVersion: string; selected: string }) : undefined;
  if (kept && kept.baseVersion === workspace.baseVersion && kept.files.length > 0) {
    workspace.files = kept.files;
    workspace.selected = kept.selected;
  } else {
    workspace.files = baseFiles.map((f) => ({ ...f }));
    workspace.selected = firstFile();
  }
  workspace.loaded = true;
}

/** The file opened first: an assignment rule if there is one. */
function firstFile(): string {
  return workspace.files.find((f) => f.path.includes('assignments/'))?.path ?? workspace.files[0]?.path ?? '';
}

export function setFileText(path: string, text: string): void {
  const file = workspace.files.find((f) => f.path === path);
  if (file) file.text = text;
  else workspace.files.push({ path, text });
  persist();
}

export function selectFile(path: string): void {
  workspace.selected = path;
  persist();
}

export function addFiles(files: SourceFile[]): void {
  for (const file of files) setFileText(file.path, file.text);
  if (files[0]) selectFile(files[0].path);
}

/** Opens a whole rule set in place of the working copy (e.g. another repository's rules). */
export function replaceFiles(files: SourceFile[]): void {
  workspace.files = files.map((f) => ({ ...f }));
  workspace.selected = files[0]?.path ?? '';
  persist();
}

export function removeFile(path: string): void {
  workspace.files = workspace.files.filter((f) => f.path !== path);
  if (workspace.selected === path) workspace.selected = workspace.files[0]?.path ?? '';
  persist();
}

export function resetWorkspace(): void {
  workspace.files = workspace.baseFiles.map((f) => ({ ...f }));
  // A file made since the save is gone: open another rather than an editor for nothing.
  if (!workspace.files.some((f) => f.path === workspace.selected)) workspace.selected = firstFile();
  persist();
}

export function changedPaths(): string[] {
  const base = new Map(workspace.baseFiles.map((f) => [f.path, f.text]));
  const changed = workspace.files.filter((f) => base.get(f.path) !== f.text).map((f) => f.path);
  const removed = workspace.baseFiles.filter((f) => !workspace.files.some((w) => w.path === f.path)).map((f) => f.path);
  return [...changed, ...removed];
}

export interface SaveResult {
  version: string;
  diagnostics?: Diagnostic[];
}

/** Uploads the working copy as a new version and makes it the active one. */
export async function saveWorkspace(): Promise<SaveResult> {
  const result = await api<SaveResult>('/v1/rule-sets', { method: 'POST', body: { files: workspace.files, activate: true } });
  workspace.baseFiles = workspace.files.map((f) => ({ ...f }));
  workspace.baseVersion = result.version;
  persist();
  await listVersions();
  return result;
}

export function compileWorkspace(files: SourceFile[]): { ruleSet: RuleSet; diagnostics: Diagnostic[] } {
  return compileRules(files);
}

export const OPERATORS = operatorNames();
