"""Rank knowledge-base articles for incoming support tickets.

Each example is (ticket text, device log excerpt, candidate KB article) and the
model scores whether the article resolves the ticket.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

WORDS = ("printer wifi driver reboot error timeout firmware battery screen blank "
         "update cable port offline login password reset sync cloud backup fan "
         "overheat noise paper jam toner scanner bluetooth pairing crash").split()

MODEL_CFG = {
    "hidden": 32,
    "layers": 1,
    "heads": 2,
    "ffn": 64,
    "max_len": 64,
    "n_segments": 3,
}
SEGMENT_BUDGET = (20, 16, 20)


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + WORDS) + "\n")
    return path


def fake_example():
    ticket = " ".join(random.choices(WORDS, k=random.randint(6, 18)))
    log = " ".join(random.choices(WORDS, k=random.randint(4, 14)))
    article = " ".join(random.choices(WORDS, k=random.randint(8, 20)))
    return ticket, log, article, random.randint(0, 1)


def encode_triplet(tok, ticket, log, article):
    input_ids = [tok.cls_token_id]
    segment_ids = [0]
    for seg, (text, budget) in enumerate(zip((ticket, log, article), SEGMENT_BUDGET)):
        piece = tok.convert_tokens_to_ids(tok.tokenize(text))[:budget] + [tok.sep_token_id]
        input_ids += piece
        segment_ids += [seg] * len(piece)
    return input_ids, segment_ids


def make_batch(tok, examples):
    encoded = [encode_triplet(tok, t, l, a) for t, l, a, _ in examples]
    width = max(len(ids) for ids, _ in encoded)
    ids = torch.full((len(encoded), width), tok.pad_token_id, dtype=torch.long)
    segs = torch.zeros((len(encoded), width), dtype=torch.long)
    mask = torch.zeros((len(encoded), width), dtype=torch.long)
    for row, (tok_ids, seg_ids) in enumerate(encoded):
        ids[row, : len(tok_ids)] = torch.tensor(tok_ids)
        segs[row, : len(seg_ids)] = torch.tensor(seg_ids)
        mask[row, : len(tok_ids)] = 1
    labels = torch.tensor([y for *_, y in examples], dtype=torch.float)
    return ids, segs, mask, labels


class ArticleRanker(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=MODEL_CFG["hidden"],
            num_hidden_layers=MODEL_CFG["layers"],
            num_attention_heads=MODEL_CFG["heads"],
            intermediate_size=MODEL_CFG["ffn"],
            max_position_embeddings=MODEL_CFG["max_len"],
            type_vocab_size=MODEL_CFG["n_segments"],
        )
        self.encoder = BertModel(cfg)
        self.score = nn.Linear(cfg.hidden_size, 1)

    def forward(self, ids, segs, mask):
        out = self.encoder(input_ids=ids, token_type_ids=segs, attention_mask=mask)
        return self.score(out.pooler_output).squeeze(-1)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tok = BertTokenizer(write_vocab(tmp))
        model = ArticleRanker(len(tok))
        optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
        loss_fn = nn.BCEWithLogitsLoss()
        data = [fake_example() for _ in range(64)]

        model.train()
        for step in range(0, len(data), 8):
            ids, segs, mask, labels = make_batch(tok, data[step:step + 8])
            logits = model(ids, segs, mask)
            loss = loss_fn(logits, labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            print(f"step {step // 8}: loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
