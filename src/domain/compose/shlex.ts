// Word splitting for `command: "a b 'c d'"` the way docker/cli does it (google/shlex): spaces
// separate words, single quotes are literal, double quotes allow backslash escapes, a backslash
// outside quotes escapes the next character, and `#` at the start of a word starts a comment.

export function shlexSplit(input: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const space = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  while (i < input.length) {
    const c = input[i] as string;
    if (!inWord) {
      if (space(c)) {
        i++;
        continue;
      }
      if (c === '#') {
        while (i < input.length && input[i] !== '\n') i++;
        continue;
      }
      inWord = true;
    }
    if (space(c)) {
      words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= input.length) throw new Error('EOF found after escape character');
      word += input[i + 1];
      i += 2;
    } else if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new Error('EOF found when expecting closing quote');
      word += input.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= input.length) throw new Error('EOF found when expecting closing quote');
        const d = input[i] as string;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\') {
          if (i + 1 >= input.length) throw new Error('EOF found when expecting closing quote');
          word += input[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
