import os
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Dict, List

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
TOP_K = 3

ENTITIES = ["Q90_Paris", "Q663094_Paris_Hilton", "Q16858_Paris_TX", "Q810_Jordan", "Q41421_Michael_Jordan",
            "Q40059_Jordan_River", "Q312_Apple_Inc", "Q89_apple", "Q3884_Amazon", "Q3783_Amazon_River"]
ENT2IDX = {e: i for i, e in enumerate(ENTITIES)}

ANCHORS = (
    [("paris", "Q90_Paris")] * 20 + [("paris", "Q663094_Paris_Hilton")] * 6 + [("paris", "Q16858_Paris_TX")] * 6
    + [("jordan", "Q810_Jordan")] * 9 + [("jordan", "Q41421_Michael_Jordan")] * 9 + [("jordan", "Q40059_Jordan_River")] * 2
    + [("apple", "Q312_Apple_Inc")] * 15 + [("apple", "Q89_apple")] * 5
    + [("amazon", "Q3884_Amazon")] * 7 + [("amazon", "Q3783_Amazon_River")] * 7
)
WORDS = ["the", "a", "in", "of", "river", "city", "phone", "team", "basketball", "shares", "flows",
         "hotel", "texas", "france", "orchard", "fruit", "online", "store", "king", "border"]


@dataclass
class Candidate:
    entity: str
    prior: float


@dataclass
class MentionExample:
    text: str
    surface: str
    gold: str
    candidates: List[Candidate]


def build_alias_table(anchors) -> Dict[str, List[Candidate]]:
    counts: Dict[str, Counter] = defaultdict(Counter)
    for alias, ent in anchors:
        counts[alias][ent] += 1
    table = {}
    for alias, ctr in counts.items():
        total = sum(ctr.values())
        table[alias] = [Candidate(ent, n / total) for ent, n in ctr.items()]
    return table


def top_candidates(alias_table, surface: str) -> List[Candidate]:
    pool = alias_table.get(surface, [])
    ranked = sorted(((c.prior, c) for c in pool), reverse=True)
    return [c for _, c in ranked[:TOP_K]]


def make_examples(alias_table, n: int) -> List[MentionExample]:
    out = []
    for _ in range(n):
        surface, gold = random.choice(ANCHORS)
        ctx_l, ctx_r = random.sample(WORDS, 3), random.sample(WORDS, 3)
        text = " ".join(ctx_l + ["[E1]", surface, "[/E1]"] + ctx_r)
        out.append(MentionExample(text, surface, gold, top_candidates(alias_table, surface)))
    return out


class LinkingDataset(Dataset):
    def __init__(self, examples: List[MentionExample]):
        self.examples = [ex for ex in examples if any(c.entity == ex.gold for c in ex.candidates)]

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, i):
        ex = self.examples[i]
        cands = ex.candidates + [Candidate(ENTITIES[0], 0.0)] * (TOP_K - len(ex.candidates))
        return {
            "text": ex.text,
            "cand_idx": [ENT2IDX[c.entity] for c in cands],
            "prior": [c.prior for c in cands],
            "gold": [c.entity for c in cands].index(ex.gold),
        }


def collate_fn(tokenizer):
    def _collate(items):
        enc = tokenizer([it["text"] for it in items], padding=True, return_tensors="pt")
        enc["cand_idx"] = torch.tensor([it["cand_idx"] for it in items])
        enc["prior"] = torch.tensor([it["prior"] for it in items])
        enc["gold"] = torch.tensor([it["gold"] for it in items])
        return enc
    return _collate


class MentionCandidateScorer(nn.Module):
    def __init__(self, cfg: BertConfig, n_entities: int, start_marker_id: int):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.ent_table = nn.Embedding(n_entities, cfg.hidden_size)
        self.prior_weight = nn.Parameter(torch.tensor(1.0))
        self.start_marker_id = start_marker_id

    def forward(self, input_ids, attention_mask, cand_idx, prior):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        pos = (input_ids == self.start_marker_id).long().argmax(dim=1)
        mention = states[torch.arange(states.size(0)), pos]
        sim = torch.einsum("bh,bkh->bk", mention, self.ent_table(cand_idx))
        return sim + self.prior_weight * torch.log(prior.clamp_min(1e-6))


def main():
    vocab_file = os.path.join(OUT_DIR, "linker_vocab.txt")
    with open(vocab_file, "w") as f:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "paris", "jordan", "apple", "amazon"] + WORDS:
            f.write(tok + "\n")
    tokenizer = BertTokenizer(vocab_file)
    tokenizer.add_special_tokens({"additional_special_tokens": ["[E1]", "[/E1]", "[E2]", "[/E2]"]})

    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=48)
    model = MentionCandidateScorer(cfg, len(ENTITIES), tokenizer.convert_tokens_to_ids("[E1]"))

    alias_table = build_alias_table(ANCHORS)
    dataset = LinkingDataset(make_examples(alias_table, 120))
    loader = DataLoader(dataset, batch_size=12, shuffle=True, collate_fn=collate_fn(tokenizer))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(3):
        correct = total = 0
        for batch in loader:
            scores = model(batch["input_ids"], batch["attention_mask"], batch["cand_idx"], batch["prior"])
            loss = F.cross_entropy(scores, batch["gold"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += (scores.argmax(1) == batch["gold"]).sum().item()
            total += batch["gold"].numel()
        print(f"epoch {epoch} loss {loss.item():.3f} acc@1 {correct / total:.3f}")


if __name__ == "__main__":
    main()
