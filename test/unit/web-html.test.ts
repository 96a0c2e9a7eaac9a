import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, html, raw } from '../../src/web/html.js';

describe('web: HTML escaping', () => {
  it('escapes the five characters that make markup, golden', () => {
    assert.equal(
      escapeHtml(`<script>alert("x")</script> & 'y'`),
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;',
    );
    assert.equal(escapeHtml('plain app.example.org'), 'plain app.example.org');
  });

  it('interpolated values are escaped, in text and in attributes', () => {
    const name = `"><img src=x onerror=alert(1)>`;
    const out = html`<a href="/apps/${name}">${name}</a>`.value;
    assert.equal(
      out,
      '<a href="/apps/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</a>',
    );
    assert.ok(!out.includes('<img'));
  });

  it('nested fragments are kept as markup, not escaped twice; arrays join; nullish and false vanish', () => {
    const line = 'web | <b>bold</b> & done';
    const out = html`<ol>${[line, 'two'].map((l) => html`<li>${l}</li>`)}</ol>${undefined}${null}${false}${0}`
      .value;
    assert.equal(out, '<ol><li>web | &lt;b&gt;bold&lt;/b&gt; &amp; done</li><li>two</li></ol>0');
  });

  it('raw() is the only way to put markup in, and is not escaped', () => {
    assert.equal(html`${raw('<br>')}`.value, '<br>');
  });
});
