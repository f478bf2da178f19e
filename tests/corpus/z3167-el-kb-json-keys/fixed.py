import json
import os
import random
from collections import defaultdict
from dataclasses import dataclass, asdict
from typing import Dict, List

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

ROOT = os.path.dirname(os.path.abspath(__file__))
VOCAB_TXT = os.path.join(ROOT, "linker_vocab.txt")
KB_JSON = os.path.join(ROOT, "kb_dump.json")


@dataclass
class KBEntity:
    ent_id: int
    name: str
    etype: str
    aliases: List[str]


@dataclass
class LinkingExample:
    sentence: str
    mention: str
    gold_id: int


def build_kb() -> Dict[int, KBEntity]:
    rows = [
        (101, "washington dc", "LOC", ["washington"]),
        (102, "george washington", "PER", ["washington", "george"]),
        (103, "washington state", "LOC", ["washington"]),
        (201, "mercury planet", "LOC", ["mercury"]),
        (202, "freddie mercury", "PER", ["mercury", "freddie"]),
        (203, "mercury element", "MISC", ["mercury"]),
    ]
    return {eid: KBEntity(eid, name, et, al) for eid, name, et, al in rows}


def dump_kb(kb: Dict[int, KBEntity], path: str) -> None:
    with open(path, "w") as f:
        json.dump({eid: asdict(e) for eid, e in kb.items()}, f, indent=1)


def load_kb(path: str) -> Dict[int, KBEntity]:
    with open(path) as f:
        raw = json.load(f)
    return {int(k): KBEntity(**v) for k, v in raw.items()}


def alias_index(kb: Dict[int, KBEntity]) -> Dict[str, List[int]]:
    idx = defaultdict(list)
    for e in kb.values():
        for a in e.aliases:
            idx[a].append(e.ent_id)
    return dict(idx)


SENTENCES = [
    ("the senate met in [E1] washington [/E1] on monday", "washington", 101),
    ("[E1] washington [/E1] crossed the delaware river", "washington", 102),
    ("apples grow well in eastern [E1] washington [/E1]", "washington", 103),
    ("[E1] mercury [/E1] orbits closest to the sun", "mercury", 201),
    ("[E1] mercury [/E1] sang with queen at wembley", "mercury", 202),
    ("the thermometer held liquid [E1] mercury [/E1]", "mercury", 203),
]


def write_vocab(kb):
    words = {w for s, _, _ in SENTENCES for w in s.split() if not w.startswith("[")}
    words |= {w for e in kb.values() for w in e.name.split()}
    words |= {e.etype.lower() for e in kb.values()}
    with open(VOCAB_TXT, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")


class BiEncoderLinker(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.mention_enc = BertModel(cfg)
        self.entity_enc = BertModel(cfg)

    def embed_mentions(self, enc, marker_id):
        h = self.mention_enc(**enc).last_hidden_state
        pos = (enc["input_ids"] == marker_id).int().argmax(dim=1)
        return h[torch.arange(h.size(0)), pos]

    def embed_entities(self, enc):
        return self.entity_enc(**enc).last_hidden_state[:, 0]


def main():
    torch.manual_seed(5)
    rng = random.Random(5)
    kb = build_kb()
    dump_kb(kb, KB_JSON)
    write_vocab(kb)

    kb = load_kb(KB_JSON)
    aliases = alias_index(kb)
    tok = BertTokenizer(VOCAB_TXT)
    tok.add_special_tokens({"additional_special_tokens": ["[E1]", "[/E1]"]})
    marker_id = tok.convert_tokens_to_ids("[E1]")
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    model = BiEncoderLinker(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    examples = [LinkingExample(s, m, g) for s, m, g in SENTENCES]
    for epoch in range(3):
        rng.shuffle(examples)
        total = 0.0
        for ex in examples:
            cand_ids = aliases[ex.mention]
            cand_text = [f"{kb[c].name} {kb[c].etype.lower()}" for c in cand_ids]
            m_enc = tok([ex.sentence], return_tensors="pt", padding=True)
            e_enc = tok(cand_text, return_tensors="pt", padding=True)
            m_vec = model.embed_mentions(m_enc, marker_id)
            e_vec = model.embed_entities(e_enc)
            scores = m_vec @ e_vec.T
            target = torch.tensor([cand_ids.index(ex.gold_id)])
            loss = nn.functional.cross_entropy(scores, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / len(examples):.4f}")


if __name__ == "__main__":
    main()
