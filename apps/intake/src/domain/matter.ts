/**
 * "The same matter": two complaints from one complainant to one body whose subjects read the
 * same once case, punctuation and spacing are set aside. Such a repeat is linked to the
 * earlier complaint and flagged for the executor (a possible R17 refusal), never dropped.
 */
export function matterKey(subject: string): string {
  return subject
    .toLocaleLowerCase('ru')
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
