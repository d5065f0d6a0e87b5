// Markdown → sanitised HTML. marked renders (GitHub-flavoured), DOMPurify removes anything that
// could run or load something (scripts, handlers, styles, forms, remote images); links open in a
// new tab without an opener. This is the page's only innerHTML.
import DOMPurify from 'dompurify';
import { marked } from 'marked';

marked.setOptions({ gfm: true, breaks: true });

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node instanceof HTMLAnchorElement) {
    const href = node.getAttribute('href') ?? '';
    if (href.startsWith('#file=')) return; // a download of a file the assistant wrote (see conversation.ts)
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

const PURIFY = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'img', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'video', 'audio', 'source'],
  FORBID_ATTR: ['style', 'id', 'name'],
};

export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false });
  return DOMPurify.sanitize(html, PURIFY);
}

/** Sets `el`'s content to the rendered markdown. */
export function setMarkdown(el: HTMLElement, markdown: string): void {
  el.innerHTML = renderMarkdown(markdown);
}
