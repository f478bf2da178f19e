import os
import random
from dataclasses import dataclass, field
from typing import Iterator, List, Tuple

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

VOCAB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "xenc_vocab.txt")
MAX_LEN = 48


@dataclass
class EntityRecord:
    qid: str
    title: str
    description: str


@dataclass
class MentionDoc:
    text: str
    span: Tuple[int, int]
    candidates: List[EntityRecord] = field(default_factory=list)
    gold_qid: str = ""

    def marked(self) -> str:
        s, e = self.span
        return f"{self.text[:s]}[E1] {self.text[s:e]} [/E1]{self.text[e:]}"


ENTITIES = [
    EntityRecord("Q90", "paris", "capital city of france"),
    EntityRecord("Q830149", "paris", "city in lamar county texas"),
    EntityRecord("Q47899", "paris hilton", "american media personality"),
    EntityRecord("Q312", "apple", "american technology company"),
    EntityRecord("Q89", "apple", "fruit of the apple tree"),
    EntityRecord("Q3884", "amazon", "american technology company"),
    EntityRecord("Q3783", "amazon", "river in south america"),
]
TEMPLATES = [
    ("we flew to paris to see the louvre", "paris", "Q90"),
    ("cattle ranchers in paris texas", "paris", "Q830149"),
    ("apple announced a new laptop", "apple", "Q312"),
    ("he peeled an apple slowly", "apple", "Q89"),
    ("amazon raised prices for prime", "amazon", "Q3884"),
    ("boats sail along the amazon", "amazon", "Q3783"),
]


def make_vocab(path):
    words = {w for t, _, _ in TEMPLATES for w in t.split()}
    words |= {w for e in ENTITIES for w in (e.title + " " + e.description).split()}
    with open(path, "w") as f:
        for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ":"] + sorted(words):
            f.write(t + "\n")


def generate_docs(n: int, seed: int) -> Iterator[MentionDoc]:
    rng = random.Random(seed)
    for _ in range(n):
        text, surface, gold = rng.choice(TEMPLATES)
        start = text.index(surface)
        cands = [e for e in ENTITIES if e.title.split()[0] == surface]
        rng.shuffle(cands)
        yield MentionDoc(text, (start, start + len(surface)), cands, gold)


def make_pair_encoder(tokenizer: BertTokenizer):
    cls_id, sep_id, pad_id = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id

    def encode(doc: MentionDoc, ent: EntityRecord):
        pieces = [doc.marked(), ent.title, ent.description]
        input_ids, token_type_ids = [cls_id], [0]
        for seg, piece in enumerate(pieces):
            piece_ids = tokenizer.encode(piece, add_special_tokens=False) + [sep_id]
            input_ids += piece_ids
            token_type_ids += [min(seg, 1)] * len(piece_ids)
        input_ids, token_type_ids = input_ids[:MAX_LEN], token_type_ids[:MAX_LEN]
        attn = [1] * len(input_ids)
        pad = MAX_LEN - len(input_ids)
        return input_ids + [pad_id] * pad, token_type_ids + [0] * pad, attn + [0] * pad

    return encode


class CrossEncoderLinker(nn.Module):
    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.bert = BertModel(cfg)
        self.score = nn.Sequential(nn.Linear(cfg.hidden_size, cfg.hidden_size), nn.Tanh(),
                                   nn.Linear(cfg.hidden_size, 1))

    def forward(self, input_ids, token_type_ids, attention_mask):
        n_docs, n_cands, seq = input_ids.shape
        out = self.bert(input_ids=input_ids.view(-1, seq),
                        token_type_ids=token_type_ids.view(-1, seq),
                        attention_mask=attention_mask.view(-1, seq))
        cls = out.last_hidden_state[:, 0]
        return self.score(cls).view(n_docs, n_cands)


def to_batch(docs: List[MentionDoc], encode):
    triples = [[encode(d, c) for c in d.candidates] for d in docs]
    ids = torch.tensor([[t[0] for t in row] for row in triples])
    types = torch.tensor([[t[1] for t in row] for row in triples])
    mask = torch.tensor([[t[2] for t in row] for row in triples])
    gold = torch.tensor([[c.qid for c in d.candidates].index(d.gold_qid) for d in docs])
    return ids, types, mask, gold


def main():
    torch.manual_seed(3)
    make_vocab(VOCAB)
    tokenizer = BertTokenizer(VOCAB)
    tokenizer.add_special_tokens({"additional_special_tokens": ["[E1]", "[/E1]"]})
    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = CrossEncoderLinker(cfg)
    encode = make_pair_encoder(tokenizer)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    docs = list(generate_docs(60, seed=11))
    by_k = {}
    for d in docs:
        by_k.setdefault(len(d.candidates), []).append(d)

    for step in range(3):
        for k, group in sorted(by_k.items()):
            ids, types, mask, gold = to_batch(group[:8], encode)
            logits = model(ids, types, mask)
            loss = nn.functional.cross_entropy(logits, gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
            print(f"step {step} k={k} loss={loss.item():.4f}")


if __name__ == "__main__":
    main()
