import os
import random
from dataclasses import dataclass
from typing import Dict, Iterator, List

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_FILE = os.path.join(HERE, "el_vocab.txt")

KB = {
    "Q90": "paris",
    "Q167646": "paris texas",
    "Q64": "berlin",
    "Q1055": "hamburg",
    "Q312": "apple inc",
    "Q89": "apple fruit",
    "Q95": "google",
    "Q2283": "microsoft",
    "Q1490": "tokyo",
    "Q220": "rome",
}
ALIASES = {
    "paris": ["Q90", "Q167646"],
    "berlin": ["Q64"],
    "hamburg": ["Q1055"],
    "apple": ["Q312", "Q89"],
    "google": ["Q95"],
    "microsoft": ["Q2283"],
    "tokyo": ["Q1490"],
    "rome": ["Q220", "Q90"],
}
CONTEXT_WORDS = ("the company city headquarters in of was visited announced new office opened "
                 "eat fresh juice texas france germany japan italy capital stock shares").split()
MAX_CANDS = 3
MAX_SEQ = 64


@dataclass(frozen=True)
class Mention:
    surface: str
    gold_qid: str
    doc_id: int


@dataclass
class Document:
    doc_id: int
    words: List[str]
    mention_start: int
    mention: Mention


def build_vocab(path: str) -> None:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = set(CONTEXT_WORDS)
    for alias in ALIASES:
        words.add(alias)
    for name in KB.values():
        words.update(name.split())
    with open(path, "w") as f:
        for w in specials + sorted(words):
            f.write(w + "\n")


def synth_documents(n: int) -> List[Document]:
    docs = []
    for i in range(n):
        surface = random.choice(list(ALIASES))
        gold = random.choice(ALIASES[surface])
        left = random.choices(CONTEXT_WORDS, k=random.randint(2, 9))
        right = random.choices(CONTEXT_WORDS, k=random.randint(2, 12))
        docs.append(Document(i, left + [surface] + right, len(left), Mention(surface, gold, i)))
    return docs


def mark(doc: Document) -> str:
    w = list(doc.words)
    w.insert(doc.mention_start + 1, "[/E1]")
    w.insert(doc.mention_start, "[E1]")
    return " ".join(w)


def candidate_table(docs: List[Document], qid2idx: Dict[str, int]):
    cands = torch.zeros(len(docs), MAX_CANDS, dtype=torch.long)
    valid = torch.zeros(len(docs), MAX_CANDS, dtype=torch.bool)
    gold = torch.zeros(len(docs), dtype=torch.long)
    for r, d in enumerate(docs):
        qids = ALIASES[d.mention.surface][:MAX_CANDS]
        for c, q in enumerate(qids):
            cands[r, c] = qid2idx[q]
            valid[r, c] = True
        gold[r] = qids.index(d.mention.gold_qid)
    return cands, valid, gold


SEQ_KEYS = ("input_ids", "token_type_ids", "attention_mask")


def trim_batch(batch: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    keep = int(batch["attention_mask"].sum(dim=1).max())
    return {k: (v[:, :keep] if k in SEQ_KEYS else v) for k, v in batch.items()}


def iterate_batches(encoded: Dict[str, torch.Tensor], bs: int, shuffle: bool = True) -> Iterator[Dict[str, torch.Tensor]]:
    n = encoded["input_ids"].size(0)
    order = torch.randperm(n) if shuffle else torch.arange(n)
    for i in range(0, n, bs):
        idx = order[i:i + bs]
        yield trim_batch({k: v[idx] for k, v in encoded.items()})


class BiEncoderLinker(nn.Module):
    def __init__(self, cfg: BertConfig, n_entities: int, marker_id: int):
        super().__init__()
        self.bert = BertModel(cfg)
        self.marker_id = marker_id
        self.proj = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.entity_emb = nn.Embedding(n_entities, cfg.hidden_size)

    def forward(self, input_ids, token_type_ids, attention_mask, cands, cand_valid):
        out = self.bert(input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask)
        pos = (input_ids == self.marker_id).long().argmax(dim=1)
        ment = self.proj(out.last_hidden_state[torch.arange(input_ids.size(0)), pos])
        cand_vecs = self.entity_emb(cands)
        scores = torch.einsum("bh,bch->bc", ment, cand_vecs)
        return scores.masked_fill(~cand_valid, -1e4)


def main():
    build_vocab(VOCAB_FILE)
    tok = BertTokenizer(VOCAB_FILE)
    tok.add_special_tokens({"additional_special_tokens": ["[E1]", "[/E1]", "[E2]", "[/E2]"]})

    docs = synth_documents(96)
    qid2idx = {q: i for i, q in enumerate(KB)}
    enc = tok([mark(d) for d in docs], padding="max_length", truncation=True,
              max_length=MAX_SEQ, return_tensors="pt")
    cands, valid, gold = candidate_table(docs, qid2idx)
    data = dict(enc)
    data.update(cands=cands, cand_valid=valid, gold=gold)

    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=MAX_SEQ)
    model = BiEncoderLinker(cfg, len(KB), tok.convert_tokens_to_ids("[E1]"))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(2):
        model.train()
        correct, seen, running = 0, 0, 0.0
        for batch in iterate_batches(data, bs=16):
            scores = model(batch["input_ids"], batch["token_type_ids"], batch["attention_mask"],
                           batch["cands"], batch["cand_valid"])
            loss = F.cross_entropy(scores, batch["gold"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * scores.size(0)
            correct += (scores.argmax(-1) == batch["gold"]).sum().item()
            seen += scores.size(0)
        print(f"epoch {epoch}: loss={running / seen:.4f} acc@1={correct / seen:.3f}")


if __name__ == "__main__":
    main()
