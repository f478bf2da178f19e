"""Tag vessels and hazards in long maritime incident reports.

Reports are longer than the tagger's window, so the tokenizer splits each one
into overlapping windows (stride) and every window is tagged on its own.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(11)

TAGS = ["O", "B-VESSEL", "I-VESSEL", "B-HAZARD", "I-HAZARD"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
MAX_WINDOW = 24
OVERLAP = 6

RAW_REPORTS = [
    "at 0410 the bulk carrier nordic star reported a fuel leak near the port quarter "
    "crew isolated the tank and the tug bravo seven stood by while the fuel leak was contained "
    "no injuries were reported and the harbour master lifted the restriction at 0650",
    "the ferry island queen lost steering in heavy swell off the breakwater "
    "pilot ordered the anchor let go and the coast guard cutter resolute escorted her in "
    "a cargo shift on the vehicle deck was found during inspection",
    "fishing vessel sea lark reported an engine room fire and abandoned the wheelhouse "
    "the tanker polar dawn diverted to assist and recovered four crew from the liferaft",
]

# word-level annotations: (first word, n words, tag type)
SPANS = [
    [("nordic", 2, "VESSEL"), ("fuel", 2, "HAZARD"), ("bravo", 2, "VESSEL")],
    [("island", 2, "VESSEL"), ("lost", 2, "HAZARD"), ("resolute", 1, "VESSEL"), ("cargo", 2, "HAZARD")],
    [("sea", 2, "VESSEL"), ("engine", 3, "HAZARD"), ("polar", 2, "VESSEL")],
]


def word_level_tags(words, spans):
    tags = ["O"] * len(words)
    for first, n, kind in spans:
        i = words.index(first)
        tags[i] = f"B-{kind}"
        for j in range(i + 1, i + n):
            tags[j] = f"I-{kind}"
    return [TAG2ID[t] for t in tags]


def write_vocab(reports):
    words = sorted({w for r in reports for w in r.split()})
    folder = tempfile.mkdtemp(prefix="mar_ner_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def align_tags(tokenizer, split_reports, word_tags):
    """Spread word tags onto sub-tokens; specials and continuations get -100."""
    doc_enc = tokenizer(split_reports, is_split_into_words=True, padding="longest")
    rows = []
    for doc_idx, tags in enumerate(word_tags):
        prev = None
        row = []
        for wid in doc_enc.word_ids(doc_idx):
            if wid is None or wid == prev:
                row.append(-100)
            else:
                row.append(tags[wid])
            prev = wid
        rows.append(row)
    return torch.tensor(rows)


def main():
    tokenizer = BertTokenizer(write_vocab(RAW_REPORTS))
    split_reports = [r.split() for r in RAW_REPORTS]
    word_tags = [word_level_tags(w, s) for w, s in zip(split_reports, SPANS)]

    tag_targets = align_tags(tokenizer, split_reports, word_tags)

    enc = tokenizer(split_reports, is_split_into_words=True, truncation=True,
                    max_length=MAX_WINDOW, stride=OVERLAP, return_overflowing_tokens=True,
                    padding="max_length", return_tensors="pt")
    window_to_report = enc.pop("overflow_to_sample_mapping")
    print(f"{len(RAW_REPORTS)} reports -> {enc['input_ids'].size(0)} windows of {MAX_WINDOW}")

    model_inputs = {k: enc[k] for k in ("input_ids", "attention_mask", "token_type_ids")}

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(TAGS))
    tagger = BertForTokenClassification(config)
    # entities are rare next to O, weight them up
    weights = torch.tensor([0.3, 1.0, 1.0, 1.0, 1.0])
    criterion = nn.CrossEntropyLoss(weight=weights, ignore_index=-100)
    optim = torch.optim.AdamW(tagger.parameters(), lr=5e-4)

    tagger.train()
    for step in range(8):
        logits = tagger(**model_inputs).logits
        loss = criterion(logits.reshape(-1, len(TAGS)), tag_targets.reshape(-1))
        optim.zero_grad()
        loss.backward()
        optim.step()
        if step % 2 == 0:
            print(f"step {step}: loss {loss.item():.4f}")

    tagger.eval()
    with torch.no_grad():
        pred = tagger(**model_inputs).logits.argmax(-1)
    for w in range(pred.size(0)):
        hits = [tokenizer.convert_ids_to_tokens(int(model_inputs["input_ids"][w, t]))
                for t in range(pred.size(1)) if pred[w, t] in (1, 3)]
        print(f"window {w} (report {int(window_to_report[w])}): {hits[:4]}")


if __name__ == "__main__":
    main()
