/** An SDP description's lines, split where each media section (`m=`) begins. */
export interface SdpSections {
  /** The lines before the first media section. */
  session: string[];
  /** Each media section's lines, its m= line first. */
  media: string[][];
}

export function sdpSections(lines: string[]): SdpSections {
  const sections: SdpSections = { session: [], media: [] };
  for (const line of lines) {
    if (line.startsWith('m=')) sections.media.push([line]);
    else (sections.media.at(-1) ?? sections.session).push(line);
  }
  return sections;
}
