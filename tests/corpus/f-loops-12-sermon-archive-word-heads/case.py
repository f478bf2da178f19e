"""Linear probe on a small BERT encoder: can first-subword vectors tell apart
scripture references from ordinary words in the parish sermon archive?"""
import os
import tempfile

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(21)
LIMIT = 16

SERMONS = [
    ("today we read from john 3 about the wind", {4, 5}),
    ("psalm 23 speaks of still waters", {0, 1}),
    ("as paul wrote in romans 8 nothing can separate us", {4, 5}),
    ("the harvest festival reminds us of ruth and her field, of gleaning "
     "at the edge, of boaz and his kindness, and of the long walk home to bethlehem",
     {6}),
    ("micah 6 asks what is required of us", {0, 1}),
]

WORDS = sorted({w for text, _ in SERMONS for w in text.replace(",", " ,").split()})
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS


def main():
    vocab_path = os.path.join(tempfile.mkdtemp(prefix="sermons_"), "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    tok = BertTokenizer(vocab_path)

    encoder = BertModel(BertConfig(
        vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
    )).eval()

    word_lists = [text.split() for text, _ in SERMONS]
    word_tags = [[int(i in refs) for i in range(len(words))]
                 for words, (_, refs) in zip(word_lists, SERMONS)]

    enc = tok(word_lists, is_split_into_words=True, truncation=True,
              max_length=LIMIT, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = encoder(**enc).last_hidden_state
    print(f"encoded {hidden.shape[0]} sermons, {hidden.shape[1]} positions each")

    feats, targets = [], []
    for r in range(len(word_lists)):
        heads = [p for p, w in enumerate(enc.word_ids(r))
                 if w is not None and (p == 0 or enc.word_ids(r)[p - 1] != w)]
        head_pos = torch.tensor(heads)
        for k in range(len(word_lists[r])):
            vec = hidden[r, head_pos[k]]
            feats.append(vec)
            targets.append(word_tags[r][k])
    feats = torch.stack(feats)
    targets = torch.tensor(targets, dtype=torch.float)
    print(f"probe set: {feats.shape[0]} words, {int(targets.sum())} references")

    probe = nn.Linear(feats.shape[1], 1)
    opt = torch.optim.SGD(probe.parameters(), lr=0.5)
    loss_fn = nn.BCEWithLogitsLoss()
    for step in range(50):
        loss = loss_fn(probe(feats).squeeze(-1), targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:2d}  bce {loss.item():.4f}")

    with torch.no_grad():
        preds = (probe(feats).squeeze(-1) > 0).float()
    acc = (preds == targets).float().mean().item()
    print(f"probe accuracy: {acc:.3f}")


if __name__ == "__main__":
    main()
