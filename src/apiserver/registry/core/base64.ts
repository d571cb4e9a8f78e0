/**
 * The strict base64 that Go's encoding/json applies to `[]byte` fields (Secret.data,
 * ConfigMap.binaryData): the standard alphabet, padding required, CR and LF ignored. Errors carry
 * Go's wording, `illegal base64 data at input byte N`.
 */

const ALPHABET = /^[A-Za-z0-9+/]$/;

/**
 * The decoded byte length of `s`, or the Go error message when `s` is not valid standard base64.
 * The offset points at the first bad character, or at the start of an incomplete final group.
 */
export function base64DecodedLength(s: string): number | string {
  const kept: number[] = [];
  for (let i = 0; i < s.length; i++) if (s[i] !== '\r' && s[i] !== '\n') kept.push(i);
  let pad = 0;
  for (let k = 0; k < kept.length; k++) {
    const ch = s[kept[k]!]!;
    if (ch === '=') {
      // Padding may only end the last group of four, one or two characters long.
      const inGroup = k % 4;
      if (inGroup < 2) return illegal(kept[k]!);
      pad++;
      continue;
    }
    if (pad > 0 || !ALPHABET.test(ch)) return illegal(kept[k]!);
  }
  const rest = kept.length % 4;
  if (rest !== 0) return illegal(kept[kept.length - rest]!);
  if (pad > 2) return illegal(kept[kept.length - pad]!);
  return (kept.length / 4) * 3 - pad;
}

const illegal = (offset: number) => `illegal base64 data at input byte ${offset}`;

/** The bytes of valid base64 (call base64DecodedLength first). */
export function decodeBase64(s: string): Buffer {
  return Buffer.from(s.replace(/[\r\n]/g, ''), 'base64');
}

/** Standard base64 of a UTF-8 string, as the v1 conversion stores `stringData` into `data`. */
export function encodeBase64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}
