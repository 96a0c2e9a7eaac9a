import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// Every asset the pages use is served by the tool itself (no CDN). The names are a fixed
// list: a request for anything else, `..` included, is a 404 and never touches the disk.

const CSS = `:root{color-scheme:light dark;--fg:#111;--bg:#fff;--mut:#555;--ok:#0a5f1c;--bad:#a00000;--link:#0645ad}
@media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#121212;--mut:#bbb;--ok:#7fdc8f;--bad:#ff8a8a;--link:#8ab4ff}}
body{font:16px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0}
a{color:var(--link)}header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.5rem 1rem;border-bottom:1px solid var(--mut)}
header nav{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;flex:1}header ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0;flex:1}
.brand{font-weight:bold;text-decoration:none}[aria-current=page]{font-weight:bold}
main{padding:1rem;max-width:80rem}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #8884;vertical-align:top}
.inline{display:inline}form.stack label{display:block;margin:.5rem 0 .2rem}input,select,button,textarea{font:inherit;padding:.3rem .5rem}textarea{width:100%;box-sizing:border-box;font-family:ui-monospace,monospace}
button{cursor:pointer}:focus-visible{outline:3px solid #f90;outline-offset:2px}
.error{color:var(--bad)}.ok{color:var(--ok)}.failed{color:var(--bad)}.info{color:var(--mut)}
pre{white-space:pre-wrap;word-break:break-all;background:#8881;padding:.5rem;max-height:70vh;overflow:auto}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--bg)}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}
@media (max-width:40rem){table{font-size:14px}td,th{padding:.2rem}}
`;

// Follows a server-sent event stream named by data-sse: each event's text is appended to the
// element's list (or <pre>) as text, never as markup; 'end' reloads to show the final state.
const JS = `(function(){
function follow(el){
  var src=new EventSource(el.getAttribute('data-sse'));
  var pre=el.tagName==='PRE';
  src.addEventListener('line',function(e){
    if(pre){el.appendChild(document.createTextNode(e.data+'\\n'));el.scrollTop=el.scrollHeight;return;}
    var li=document.createElement('li');li.textContent=e.data;el.appendChild(li);
  });
  src.addEventListener('end',function(){src.close();if(el.hasAttribute('data-reload'))location.reload();});
  src.onerror=function(){if(src.readyState===2)return;};
}
function start(){var els=document.querySelectorAll('[data-sse]');for(var i=0;i<els.length;i++)if(!els[i].__sse){els[i].__sse=1;follow(els[i]);}}
document.addEventListener('DOMContentLoaded',start);document.addEventListener('htmx:load',start);
})();`;

export interface Asset {
  type: string;
  body: string | Buffer;
}

const own: Record<string, Asset> = {
  'app.css': { type: 'text/css; charset=utf-8', body: CSS },
  'app.js': { type: 'text/javascript; charset=utf-8', body: JS },
};

let htmx: Promise<Buffer | undefined> | undefined;

/** htmx from the build's web-static/ copy, else from the installed package (source runs). */
async function loadHtmx(): Promise<Buffer | undefined> {
  const candidates = [fileURLToPath(new URL('./web-static/htmx.min.js', import.meta.url))];
  try {
    candidates.push(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'));
  } catch {
    // Not installed next to the sources: the built copy is the only one.
  }
  for (const path of candidates) {
    const body = await readFile(path).catch(() => undefined);
    if (body) return body;
  }
  return undefined;
}

export async function asset(name: string): Promise<Asset | undefined> {
  if (Object.hasOwn(own, name)) return own[name];
  if (name !== 'htmx.min.js') return undefined;
  htmx ??= loadHtmx();
  const body = await htmx;
  return body ? { type: 'text/javascript; charset=utf-8', body } : undefined;
}
