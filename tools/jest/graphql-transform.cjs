// Jest transform: a .graphql schema file becomes a module exporting its text, as esbuild does.
module.exports = {
  process(source) {
    return { code: `module.exports = ${JSON.stringify(source)}; module.exports.default = module.exports;` };
  },
};
