// The same in-host integration suites in desktop VS Code, through @vscode/test-electron — for machines that
// can download VS Code (this project's CI cannot: it runs them in code-server via run.ts instead).
//   npm run compile-tests && node out/test/integration/runDesktop.js [vscodeVersion]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { DoubleHost, startHarnessControl } from '../harness/double';
import { repoRoot } from '../harness/paths';

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-desktop-'));
  const double = await DoubleHost.start({ scenario: 'small' });
  const control = await startHarnessControl(double);
  try {
    await runTests({
      version: process.argv[2] ?? '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'index.js'),
      launchArgs: [fs.mkdtempSync(path.join(tmp, 'ws-')), '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: {
        ...double.env(),
        GLCR_HARNESS_URL: control.url,
        GLCR_ITEST_RESULT_FILE: path.join(tmp, 'result.json'),
      },
    });
    return 0;
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 1;
  } finally {
    await control.close();
    await double.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
