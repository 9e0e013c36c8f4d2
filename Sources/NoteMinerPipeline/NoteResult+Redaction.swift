import NoteMinerIO
import NoteMinerProfiles

extension NoteResult {
    /// This result with PHI-like tokens in every text field replaced by typed placeholders (`--redact`):
    /// mention text, ConText trigger text, ADR sentence text, drug/effect pairs and explanation features.
    /// Offsets are left as they are — they still point into the original note — so only the text changes.
    ///
    /// Give `noteText` (the note the result came from) so each snippet is redacted with its context: the
    /// "Dr." before a name, the "Patient:" label of a line, a date that runs past the snippet's end.
    /// Ids (`note_id`, `patient_id`) and metadata are the caller's keys and are not changed.
    public func redacted(using redactor: Redactor = Redactor(), noteText: String?) -> NoteResult {
        let map = noteText.map { redactor.map(note: $0) }
        func snippet(_ text: String, _ begin: Int) -> String {
            map?.redact(text, begin: begin) ?? redactor.redact(text)
        }
        var out = self
        for m in out.mentions.indices {
            out.mentions[m].text = snippet(out.mentions[m].text, out.mentions[m].begin)
            for e in out.mentions[m].evidence.indices {
                out.mentions[m].evidence[e].trigger = snippet(out.mentions[m].evidence[e].trigger, out.mentions[m].evidence[e].begin)
            }
        }
        for s in out.adrSentences.indices {
            out.adrSentences[s].text = snippet(out.adrSentences[s].text, out.adrSentences[s].begin)
            for p in out.adrSentences[s].pairs.indices {
                out.adrSentences[s].pairs[p].drug = redactor.redact(out.adrSentences[s].pairs[p].drug)
                out.adrSentences[s].pairs[p].effect = redactor.redact(out.adrSentences[s].pairs[p].effect)
            }
            for f in out.adrSentences[s].explanation.indices {
                out.adrSentences[s].explanation[f].feature = redactor.redact(out.adrSentences[s].explanation[f].feature)
            }
        }
        return out
    }
}
