/**
 * Makes server-supplied text inert inside a Markdown tooltip: every ASCII
 * punctuation character is backslash-escaped (CommonMark allows that for all
 * of them), so no emphasis, link, autolink, HTML tag, table or theme icon can
 * come from the server. Line breaks and other control characters become
 * spaces, so the text cannot start a heading, list or code block.
 */
export function escapeMarkdown(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/[!-/:-@[-`{-~]/g, (ch) => `\\${ch}`);
}
