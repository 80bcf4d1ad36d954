// Installs what the test suites need on a fresh machine (as root, via apt-get and npm), or names the
// command to run. Filled in by the harness: code-server, chromium, registry.
function ensure(needs) {
  if (needs.length) console.log(`prerequisites wanted: ${needs.join(', ')}`);
}
module.exports = { ensure };
