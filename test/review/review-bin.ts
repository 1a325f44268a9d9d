/** The stablepick CLI as a user runs it (spawned by run-review.ts). */
import { main } from '../../src/cli/main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
