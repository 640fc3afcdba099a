/** Maximum length of one output line in bytes; a longer run without `\n` becomes several lines. */
export const MAX_LINE_BYTES = 64 * 1024

/**
 * Splits a byte stream into lines on `\n` and removes one trailing `\r` from each. UTF-8 is decoded
 * incrementally with invalid bytes replaced by U+FFFD, so a character split across two chunks, or
 * across a cut at `maxLineBytes`, stays whole.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder("utf-8")
  private text = ""
  private bytes = 0

  constructor(private readonly maxLineBytes: number = MAX_LINE_BYTES) {}

  /** Consumes one chunk and returns the lines it completed. */
  push(chunk: Uint8Array): Array<string> {
    const lines: Array<string> = []
    let start = 0
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start)
      const end = newline === -1 ? chunk.length : newline
      this.append(chunk, start, end, lines)
      if (newline === -1) break
      this.text += this.decoder.decode()
      lines.push(stripCarriageReturn(this.takeLine()))
      start = newline + 1
    }
    return lines
  }

  /** Returns the unterminated last line, if there is one, at the end of the stream. */
  end(): Array<string> {
    this.text += this.decoder.decode()
    if (this.bytes === 0 && this.text === "") return []
    return [stripCarriageReturn(this.takeLine())]
  }

  private append(chunk: Uint8Array, start: number, end: number, lines: Array<string>): void {
    let position = start
    while (end - position > this.maxLineBytes - this.bytes) {
      const cut = position + this.maxLineBytes - this.bytes
      this.text += this.decoder.decode(chunk.subarray(position, cut), { stream: true })
      lines.push(this.takeLine())
      position = cut
    }
    this.text += this.decoder.decode(chunk.subarray(position, end), { stream: true })
    this.bytes += end - position
  }

  private takeLine(): string {
    const line = this.text
    this.text = ""
    this.bytes = 0
    return line
  }
}

/** Formats one line of a node's log file: `<ISO time> <stdout|stderr> <text>\n`. */
export const formatLogLine = (receivedAt: number, stream: "stdout" | "stderr", text: string): string =>
  `${new Date(receivedAt).toISOString()} ${stream} ${text}\n`

const stripCarriageReturn = (line: string): string => (line.endsWith("\r") ? line.slice(0, -1) : line)
