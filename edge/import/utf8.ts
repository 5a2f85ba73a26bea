// HR files are UTF-8. A Latin-1 or UTF-16 export decoded leniently would be imported with every
// byte that is not UTF-8 turned into `�`; decoded strictly, it is refused, naming the first line
// that holds such bytes. Shared by `roster import` (edge/cli) and `POST /v1/imports`.

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of `bytes`, or the first line (1-based) holding bytes that are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false; line: number } {
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch (error) {
    // Past V8's longest string (about 512 MiB) decoding fails too, but not for the bytes.
    if ((error as { code?: string }).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA' && !(error instanceof TypeError)) throw error;
    const line = firstBadLine(bytes);
    if (line === undefined) throw error;
    return { ok: false, line };
  }
}

/** The first line holding bytes that are not UTF-8: no multi-byte character contains a newline. */
function firstBadLine(bytes: Uint8Array): number | undefined {
  let line = 1;
  let start = 0;
  while (start <= bytes.length) {
    const end = bytes.indexOf(10, start);
    const stop = end < 0 ? bytes.length : end;
    try {
      utf8.decode(bytes.subarray(start, stop));
    } catch {
      return line;
    }
    if (end < 0) break;
    line++;
    start = end + 1;
  }
  return undefined;
}
