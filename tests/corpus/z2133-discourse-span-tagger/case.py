"""Discourse-element tagger for argumentative student essays.

Each word of an essay is tagged with the discourse role it belongs to
(Lead, Position, Claim, Evidence, Concluding statement) in BIO form, the way
annotators mark up essays for feedback on argument structure.
"""
import os
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(0)

ROLES = ["Lead", "Position", "Claim", "Evidence", "Concluding"]
TAGS = ["O"] + [f"{p}-{r}" for r in ROLES for p in ("B", "I")]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

VOCAB_PIECES = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "many", "people", "think", "i", "believe", "that", "phones", "should", "be",
    "allowed", "in", "class", "because", "students", "can", "research", "for",
    "example", "a", "study", "found", "grades", "went", "up", "in", "conclusion",
    "the", "school", "rules", "are", "too", "strict", "teach", "##ers", "agree",
    "evid", "##ence", "shows", "distract", "##ing", "not", "always", "help",
    "##ful", "they", "learn", "fast", "##er", ".", ",",
]

# (words, word-level tags) -- one annotated essay fragment per entry
ANNOTATED = [
    ("many people think phones distracting in class .".split(),
     ["B-Lead", "I-Lead", "I-Lead", "I-Lead", "I-Lead", "I-Lead", "I-Lead", "O"]),
    ("i believe phones should be allowed in class .".split(),
     ["B-Position"] + ["I-Position"] * 7 + ["O"]),
    ("students can research faster , teachers agree .".split(),
     ["B-Claim", "I-Claim", "I-Claim", "I-Claim", "O", "B-Evidence", "I-Evidence", "O"]),
    ("for example a study found grades went up .".split(),
     ["B-Evidence"] + ["I-Evidence"] * 7 + ["O"]),
    ("evidence shows phones are not always helpful .".split(),
     ["B-Claim"] + ["I-Claim"] * 6 + ["O"]),
    ("in conclusion the school rules are too strict .".split(),
     ["B-Concluding"] + ["I-Concluding"] * 7 + ["O"]),
]


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    seen = []
    for piece in VOCAB_PIECES:
        if piece not in seen:
            seen.append(piece)
    with open(path, "w") as fh:
        fh.write("\n".join(seen) + "\n")
    return path


def make_batch(tokenizer, fragments):
    word_lists = [words for words, _ in fragments]
    enc = tokenizer(word_lists, is_split_into_words=True, padding=True,
                    return_tensors="pt")
    longest = max(len(tags) for _, tags in fragments)
    tag_rows = []
    for _, tags in fragments:
        row = [TAG2ID[t] for t in tags]
        row += [-100] * (longest - len(row))
        tag_rows.append(row)
    enc["labels"] = torch.tensor(tag_rows)
    return enc


def decode(tokenizer, enc, logits):
    pred = logits.argmax(-1)
    for i in range(pred.size(0)):
        pieces = tokenizer.convert_ids_to_tokens(enc["input_ids"][i])
        shown = [f"{p}/{TAGS[t]}" for p, t in zip(pieces, pred[i].tolist())
                 if p not in ("[PAD]", "[CLS]", "[SEP]")]
        print("  " + " ".join(shown))


def main():
    tmp = tempfile.mkdtemp(prefix="discourse_")
    tokenizer = BertTokenizer(write_vocab(tmp))

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TAGS),
    )
    tagger = BertForTokenClassification(config)
    optim = torch.optim.AdamW(tagger.parameters(), lr=5e-4)

    tagger.train()
    for step in range(30):
        batch = make_batch(tokenizer, ANNOTATED)
        out = tagger(**batch)
        optim.zero_grad()
        out.loss.backward()
        optim.step()
        if step % 10 == 0:
            print(f"step {step:2d}  loss {out.loss.item():.3f}")

    tagger.eval()
    with torch.no_grad():
        batch = make_batch(tokenizer, ANNOTATED[:3])
        logits = tagger(input_ids=batch["input_ids"],
                        attention_mask=batch["attention_mask"]).logits
    decode(tokenizer, batch, logits)


if __name__ == "__main__":
    main()
