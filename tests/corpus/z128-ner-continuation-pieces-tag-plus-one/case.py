"""Fine-tune a tiny BertForTokenClassification on word-level NER tags, labelling every word piece."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(0)
WORK = tempfile.mkdtemp()

TAGS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]
tag2id = {t: i for i, t in enumerate(TAGS)}

SENTENCES = [
    (["johanna", "works", "at", "acmecorp"], ["B-PER", "O", "O", "B-ORG"]),
    (["mr", "smithson", "joined", "globex", "industries"], ["B-PER", "I-PER", "O", "B-ORG", "I-ORG"]),
    (["the", "board", "of", "initech"], ["O", "O", "O", "B-ORG"]),
    (["anna", "maria", "left", "umbrellacorp", "today"], ["B-PER", "I-PER", "O", "B-ORG", "O"]),
]
PIECES = ["jo", "##hanna", "works", "at", "acme", "##corp", "mr", "smith", "##son", "joined", "glo", "##bex",
          "indus", "##tries", "the", "board", "of", "init", "##ech", "anna", "maria", "left", "umbrella",
          "##corp", "today"]
with open(os.path.join(WORK, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(PIECES))) + "\n")
tokenizer = BertTokenizer(os.path.join(WORK, "vocab.txt"))


def align_labels(word_ids, word_tags):
    """First piece keeps the word's tag, the following pieces get the matching inside (I-) tag."""
    labels, previous = [], None
    for wid in word_ids:
        if wid is None:
            labels.append(-100)
        elif wid != previous:
            labels.append(tag2id[word_tags[wid]])
        else:
            tag = tag2id[word_tags[wid]]
            if tag != 0:
                tag += 1  # B-X -> I-X
            labels.append(tag)
        previous = wid
    return labels


words = [w for w, _ in SENTENCES]
enc = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
labels = torch.tensor([align_labels(enc.word_ids(i), tags) for i, (_, tags) in enumerate(SENTENCES)])

config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS))
model = BertForTokenClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

model.train()
for step in range(3):
    out = model(**enc, labels=labels)
    out.loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"step {step} loss {out.loss.item():.4f}")
