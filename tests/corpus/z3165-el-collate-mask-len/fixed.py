import os
import random
from dataclasses import dataclass
from typing import Dict, List

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_FILE = os.path.join(HERE, "el_vocab.txt")
MAX_SEQ_LEN = 40
MARKERS = ["[E1]", "[/E1]"]

KB = {
    0: "Paris (France)", 1: "Paris (Texas)", 2: "Paris Hilton",
    3: "Jordan (country)", 4: "Michael Jordan", 5: "Jordan River",
    6: "Apple Inc.", 7: "Apple (fruit)", 8: "Amazon (company)", 9: "Amazon River",
}
ALIASES = {"paris": [0, 1, 2], "jordan": [3, 4, 5], "apple": [6, 7], "amazon": [8, 9]}
CONTEXTS = {
    0: "the tourists visited {} and saw the eiffel tower",
    1: "the small town of {} in texas held a rodeo",
    2: "the celebrity {} launched a new perfume",
    3: "the king of {} met the prime minister",
    4: "{} scored thirty points for the bulls",
    5: "pilgrims were baptized in the {} near the sea",
    6: "{} released a new phone and stock rose",
    7: "she ate an {} with her lunch at noon",
    8: "{} shipped the package with prime delivery",
    9: "the {} flows through the rainforest of brazil",
}


@dataclass
class Mention:
    surface: str
    context: str
    candidates: List[int]
    gold: int


def build_vocab(path):
    words = set()
    for ctx in CONTEXTS.values():
        words.update(ctx.replace("{}", "").split())
    words.update(ALIASES)
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")


def sample_mentions(n, rng):
    out = []
    for _ in range(n):
        alias = rng.choice(sorted(ALIASES))
        gold = rng.choice(ALIASES[alias])
        filler = " ".join(rng.choice(["the", "and", "with", "new"]) for _ in range(rng.randrange(0, 12)))
        ctx = CONTEXTS[gold].format(f"[E1] {alias} [/E1]") + (" " + filler if filler else "")
        out.append(Mention(alias, ctx, list(ALIASES[alias]), gold))
    return out


def encode_mentions(mentions, tokenizer):
    feats = []
    e1 = tokenizer.convert_tokens_to_ids("[E1]")
    for m in mentions:
        ids = tokenizer(m.context, truncation=True, max_length=MAX_SEQ_LEN)["input_ids"]
        feats.append({
            "ids": torch.tensor(ids),
            "marker": ids.index(e1),
            "cands": m.candidates,
            "gold_idx": m.candidates.index(m.gold),
        })
    return feats


def collate(feats, pad_id, max_cands=3):
    ids = pad_sequence([f["ids"] for f in feats], batch_first=True, padding_value=pad_id)
    mask = torch.zeros_like(ids)
    for row, f in enumerate(feats):
        mask[row, : len(f["ids"])] = 1
    cands = torch.full((len(feats), max_cands), -1, dtype=torch.long)
    for row, f in enumerate(feats):
        cands[row, : len(f["cands"])] = torch.tensor(f["cands"])
    return {
        "input_ids": ids,
        "attention_mask": mask,
        "marker_pos": torch.tensor([f["marker"] for f in feats]),
        "cand_ids": cands,
        "gold": torch.tensor([f["gold_idx"] for f in feats]),
    }


def batches(feats, size, pad_id):
    for start in range(0, len(feats), size):
        yield collate(feats[start:start + size], pad_id)


class MentionCandidateScorer(nn.Module):
    def __init__(self, cfg, n_entities, ent_dim=32):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.proj = nn.Linear(cfg.hidden_size, ent_dim)
        self.entity_emb = nn.Embedding(n_entities, ent_dim)

    def forward(self, input_ids, attention_mask, marker_pos, cand_ids):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mention_vec = self.proj(h[torch.arange(h.size(0)), marker_pos])
        valid = cand_ids >= 0
        cand_vec = self.entity_emb(cand_ids.clamp(min=0))
        scores = torch.einsum("bd,bkd->bk", mention_vec, cand_vec)
        return scores.masked_fill(~valid, float("-inf"))


def main():
    torch.manual_seed(1)
    rng = random.Random(7)
    build_vocab(VOCAB_FILE)
    tok = BertTokenizer(VOCAB_FILE)
    tok.add_special_tokens({"additional_special_tokens": MARKERS})
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    model = MentionCandidateScorer(cfg, n_entities=len(KB))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    train_feats = encode_mentions(sample_mentions(48, rng), tok)
    for epoch in range(3):
        rng.shuffle(train_feats)
        losses = []
        for b in batches(train_feats, 8, tok.pad_token_id):
            scores = model(b["input_ids"], b["attention_mask"], b["marker_pos"], b["cand_ids"])
            loss = F.cross_entropy(scores, b["gold"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: mean loss {sum(losses) / len(losses):.4f}")


if __name__ == "__main__":
    main()
