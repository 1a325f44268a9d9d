/** The AUTOSEL patch mails: building them (one per picked commit), their recipients, the mbox, sending. */
export * from './autosel-mail.js';
export * from './addresses.js';
export * from './check.js';
export * from './headers.js';
export { writeMbox } from './mbox.js';
export * from './send.js';
