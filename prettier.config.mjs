// Prettier (`npm run format`, `npm run format:check`): the style the code was written in.
// printWidth 160: measured over the 354 tracked .ts/.js/.mjs/.cjs files (44,866 lines), the median
// line is 43 characters, 95% are at most 135 and 98% at most 160; the lines over 160 are mostly
// messages and comments, which Prettier does not break. A narrower width would rewrap most files.
/** @type {import('prettier').Config} */
export default {
  printWidth: 160,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: true,
  quoteProps: 'as-needed',
  trailingComma: 'all',
  bracketSpacing: true,
  arrowParens: 'always',
  endOfLine: 'lf',
};
