import { StyleModule } from 'style-mod';

/**
 * The editor (CodeMirror) writes its theme into a <style> element at run time, which the
 * Content-Security-Policy allows only with this response's nonce (docs/share.md, security
 * headers). The page gives the nonce in <meta name="csp-nonce">; mounting first with it makes
 * every later mount (the editor's) reuse that one nonce'd element. Runs on import, before main.ts
 * creates the editor.
 */
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
if (nonce) StyleModule.mount(document, new StyleModule({}), { nonce });
