"""Answer technician questions from long aircraft maintenance manual sections.

Sections are split into overlapping windows by the tokenizer; the reader
scores every window one at a time and the best span per section wins.
"""
import logging
import os
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("amm-qa")
torch.manual_seed(21)

MAX_LEN = 48
STRIDE = 12

SECTIONS = [
    ("what torque is applied to the wheel nut",
     "main landing gear wheel removal jack the aircraft until the tire clears the ground "
     "remove the hub cap and the retaining bolts then back off the axle nut "
     "on installation apply a torque of 150 inch pounds to the wheel nut while rotating the wheel "
     "back off the nut and reapply a final torque of 40 inch pounds then install the locking bolt "
     "check the brake assembly for leaks and record the work in the aircraft log"),
    ("how often is the oil filter replaced",
     "engine lubrication system the oil filter element is replaced every 100 flight hours "
     "or at each annual inspection whichever comes first cut the old element open and "
     "inspect the pleats for metal particles any bronze or steel flakes require a borescope "
     "inspection of the cylinders before further flight"),
    ("what is the tire pressure for the nose wheel",
     "nose gear servicing inflate the nose wheel tire to 45 psi with dry nitrogen "
     "check the strut extension with the aircraft empty and fuel tanks full"),
]


@dataclass
class Answer:
    section: int
    text: str
    score: float


class SpanDecoder:
    def __init__(self, window_len, max_answer_tokens=8):
        self.window_len = window_len
        self.max_answer = max_answer_tokens

    def best_span(self, start_logits, end_logits, seq_ids):
        best, best_pair = float("-inf"), None
        # the last window of a section is shorter than window_len
        n_tok = start_logits.size(0)
        for s in range(n_tok):
            for e in range(s, min(s + self.max_answer, n_tok)):
                score = (start_logits[s] + end_logits[e]).item()
                if score <= best:
                    continue
                if seq_ids[s] != 1 or seq_ids[e] != 1:
                    continue
                best, best_pair = score, (s, e)
        return best, best_pair


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="amm_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def main():
    questions = [q for q, _ in SECTIONS]
    contexts = [c for _, c in SECTIONS]
    tokenizer = BertTokenizer(write_vocab(questions + contexts))

    enc = tokenizer(questions, contexts, truncation="only_second", max_length=MAX_LEN,
                    stride=STRIDE, return_overflowing_tokens=True, return_offsets_mapping=True)
    section_of = enc["overflow_to_sample_mapping"]
    log.info("%d sections -> %d windows", len(SECTIONS), len(enc["input_ids"]))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    reader = BertForQuestionAnswering(config).eval()
    decoder = SpanDecoder(window_len=MAX_LEN)

    best_per_section = {}
    with torch.no_grad():
        for w, ids in enumerate(enc["input_ids"]):
            out = reader(input_ids=torch.tensor([ids]),
                         token_type_ids=torch.tensor([enc["token_type_ids"][w]]))
            score, pair = decoder.best_span(out.start_logits[0], out.end_logits[0],
                                            enc.sequence_ids(w))
            if pair is None:
                continue
            sec = section_of[w]
            offsets = enc["offset_mapping"][w]
            text = contexts[sec][offsets[pair[0]][0]:offsets[pair[1]][1]]
            log.info("window %d (section %d): %.3f %r", w, sec, score, text)
            if sec not in best_per_section or score > best_per_section[sec].score:
                best_per_section[sec] = Answer(sec, text, score)

    for sec in sorted(best_per_section):
        ans = best_per_section[sec]
        print(f"Q: {questions[sec]}\n   -> {ans.text} ({ans.score:.3f})")


if __name__ == "__main__":
    main()
