// Core ESLint rules only, so the sample needs no installed plugins.
export default [
  {
    files: ["**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      "no-unused-vars": "error",
      "no-undef": "error",
      "prefer-const": "error",
      eqeqeq: "error",
    },
  },
];
