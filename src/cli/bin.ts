#!/usr/bin/env node
/** Entry point used when running from source (`tsx src/cli/bin.ts`); bin/stablepick.js runs the built copy. */
import { main } from './main.js';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
