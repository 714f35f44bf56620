/** Schema files are imported as text (esbuild `text` loader; jest transform in tools/jest). */
declare module '*.graphql' {
  const sdl: string;
  export default sdl;
}
