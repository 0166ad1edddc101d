/** Upper-cases the first character of `text`. */
export function capitalize(text) {
  // TODO: keep a first character outside the BMP (an emoji, a rare letter) in one piece
  if (text.length === 0) return text;
  return text[0].toUpperCase() + text.slice(1);
}

/** Splits `text` into words: runs of letters and digits. */
export function words(text) {
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}
