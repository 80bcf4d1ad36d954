// Replaces the whatwg-url package inside node-fetch 2 with Node's built-in URL (same WHATWG semantics).
module.exports = { URL: globalThis.URL, URLSearchParams: globalThis.URLSearchParams };
