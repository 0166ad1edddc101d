export { capitalize, words } from "./strings.js";
