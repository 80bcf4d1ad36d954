// Server strings in the extension's tooltips and the pages it opens: Markdown escaping (markdown.ts) and
// the Open in Browser URL check (accountPageUrl). Plain Node: neither module imports vscode.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { codeBlockText, markdownCode, markdownText, multilineText } from '../../src/extension/shownText';
import { accountPageUrl } from '../../src/extension/accounts/account';

describe('tooltip Markdown from server strings', () => {
  test('text: links, emphasis, HTML, entities and theme icons are escaped', () => {
    assert.equal(markdownText('[x](https://evil.example)'), '\\[x\\]\\(https\\://evil\\.example\\)');
    assert.equal(markdownText('<img src=x>'), '\\<img src\\=x\\>');
    assert.equal(markdownText('&lt;b&gt;'), '\\&lt;b\\&gt;');
    assert.equal(markdownText('$(error) ~~a~~ *b* _c_'), '\\$\\(error\\) \\~\\~a\\~\\~ \\*b\\* \\_c\\_');
  });

  test('text: control characters go (ESC, C1, bidi overrides); a line break becomes a space', () => {
    assert.equal(markdownText('a\u001b]8;;x\u0007b\u009bc\u202ed'), 'a\\]8;;xbcd');
    assert.equal(markdownText('line\n# heading'), 'line \\# heading');
  });

  test('code: backticks that would close the span are removed, controls stripped', () => {
    assert.equal(markdownCode('sha256:ab`[x](https://evil.example)`'), '`sha256:ab[x](https://evil.example)`');
    assert.equal(markdownCode('reg.example/a:\u001b[31mred'), '`reg.example/a:[31mred`');
  });

  test('plain multi-line text keeps its line breaks, loses the controls', () => {
    assert.equal(multilineText('a\u001b[2Jb\nc\u0085d\r'), 'a[2Jb\ncd ');
  });

  test('code block: one line without backticks, so no fence can be closed', () => {
    assert.equal(codeBlockText('r/x:1\n```\n[x](https://evil.example)'), 'r/x:1  [x](https://evil.example)');
  });
});

describe('Open in Browser: only the account\'s own pages', () => {
  test('https on the instance host (any path) opens', () => {
    assert.equal(accountPageUrl('https://gitlab.example.com/acme/web/container_registry', 'https://gitlab.example.com'),
      'https://gitlab.example.com/acme/web/container_registry');
    assert.equal(accountPageUrl('https://GitLab.Example.com:443/a', 'https://gitlab.example.com/gitlab'), 'https://gitlab.example.com/a');
  });

  test('another host, a look-alike host, or another port is refused', () => {
    assert.equal(accountPageUrl('https://evil.example/acme', 'https://gitlab.example.com'), undefined);
    assert.equal(accountPageUrl('https://gitlab.example.com.evil.example/a', 'https://gitlab.example.com'), undefined);
    assert.equal(accountPageUrl('https://gitlab.example.com@evil.example/a', 'https://gitlab.example.com'), undefined);
    assert.equal(accountPageUrl('https://gitlab.example.com:8443/a', 'https://gitlab.example.com'), undefined);
  });

  test('schemes: http only for a plain-http account; javascript:, file:, data: never', () => {
    assert.equal(accountPageUrl('http://gitlab.example.com/a', 'https://gitlab.example.com'), undefined);
    assert.equal(accountPageUrl('http://127.0.0.1:8080/a', 'http://127.0.0.1:8080'), 'http://127.0.0.1:8080/a');
    assert.equal(accountPageUrl('https://127.0.0.1:8080/a', 'http://127.0.0.1:8080'), 'https://127.0.0.1:8080/a');
    assert.equal(accountPageUrl('javascript:alert(1)//gitlab.example.com', 'https://gitlab.example.com'), undefined);
    assert.equal(accountPageUrl('file:///etc/passwd', 'https://gitlab.example.com'), undefined);
    assert.equal(accountPageUrl('data:text/html,<b>x</b>', 'https://gitlab.example.com'), undefined);
    assert.equal(accountPageUrl('not a url', 'https://gitlab.example.com'), undefined);
  });

  test('credentials in the URL are refused', () => {
    assert.equal(accountPageUrl('https://user:pw@gitlab.example.com/a', 'https://gitlab.example.com'), undefined);
  });
});
