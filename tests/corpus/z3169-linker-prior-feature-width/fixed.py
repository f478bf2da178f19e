import math
import os
import random
from dataclasses import dataclass
from typing import Dict, Iterator, List

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

rng = random.Random(7)
torch.manual_seed(7)

VOCAB_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "el_vocab.txt")
NUM_CANDIDATES = 5
BATCH_SIZE = 8

KB = {
    0: "Paris (city)", 1: "Paris Hilton", 2: "Paris, Texas", 3: "Jordan (country)",
    4: "Michael Jordan", 5: "Jordan River", 6: "Apple Inc.", 7: "Apple (fruit)",
    8: "Amazon (company)", 9: "Amazon River", 10: "Mercury (planet)", 11: "Freddie Mercury",
}
ALIASES = {"paris": [0, 1, 2], "jordan": [3, 4, 5], "apple": [6, 7], "amazon": [8, 9], "mercury": [10, 11]}
CONTEXT_WORDS = ["visited", "the", "river", "company", "shares", "band", "singer", "planet", "city",
                 "played", "basketball", "near", "orbit", "sold", "phones", "flows", "through", "in"]


@dataclass
class Mention:
    surface: str
    start: int
    end: int
    gold_id: int


@dataclass
class Document:
    doc_id: str
    tokens: List[str]
    mentions: List[Mention]


def build_vocab(path: str) -> None:
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(CONTEXT_WORDS) | set(ALIASES))
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")


def make_documents(n: int) -> List[Document]:
    docs = []
    for i in range(n):
        alias = rng.choice(sorted(ALIASES))
        gold = rng.choice(ALIASES[alias])
        left = rng.sample(CONTEXT_WORDS, 3)
        right = rng.sample(CONTEXT_WORDS, 4)
        tokens = left + [alias] + right
        docs.append(Document(f"doc{i}", tokens, [Mention(alias, 3, 4, gold)]))
    return docs


def candidates_for(mention: Mention, num_entities: int) -> Dict[str, list]:
    cands = list(ALIASES[mention.surface])
    priors = [1.0 / len(cands)] * len(cands)
    while len(cands) < NUM_CANDIDATES:
        e = rng.randrange(num_entities)
        if e not in cands:
            cands.append(e)
            priors.append(1e-3)
    order = list(range(NUM_CANDIDATES))
    rng.shuffle(order)
    return {"ids": [cands[j] for j in order], "priors": [priors[j] for j in order]}


def marked_text(doc: Document, m: Mention) -> str:
    toks = doc.tokens[:m.start] + ["[E1]"] + doc.tokens[m.start:m.end] + ["[/E1]"] + doc.tokens[m.end:]
    return " ".join(toks)


def iter_batches(docs: List[Document], tokenizer, num_entities: int) -> Iterator[dict]:
    pairs = [(d, m) for d in docs for m in d.mentions]
    for i in range(0, len(pairs), BATCH_SIZE):
        chunk = pairs[i:i + BATCH_SIZE]
        enc = tokenizer([marked_text(d, m) for d, m in chunk], padding=True, return_tensors="pt")
        cand_lists = [candidates_for(m, num_entities) for _, m in chunk]
        yield {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "cand_ids": torch.tensor([c["ids"] for c in cand_lists]),
            "log_prior": torch.tensor([[math.log(p) for p in c["priors"]] for c in cand_lists]),
            "target": torch.tensor([c["ids"].index(m.gold_id) for c, (_, m) in zip(cand_lists, chunk)]),
        }


class BiEncoderLinker(nn.Module):
    def __init__(self, config: BertConfig, num_entities: int, marker_id: int, use_prior: bool = True):
        super().__init__()
        self.marker_id = marker_id
        self.use_prior = use_prior
        self.mention_encoder = BertModel(config, add_pooling_layer=False)
        self.entity_emb = nn.Embedding(num_entities, config.hidden_size)
        pair_dim = 2 * config.hidden_size + (1 if use_prior else 0)
        self.scorer = nn.Sequential(nn.Linear(pair_dim, 48), nn.GELU(), nn.Linear(48, 1))

    def forward(self, input_ids, attention_mask, cand_ids, log_prior):
        hs = self.mention_encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        marker_pos = (input_ids == self.marker_id).nonzero()[:, 1]
        mention_vec = hs[torch.arange(hs.size(0)), marker_pos]
        cand_vec = self.entity_emb(cand_ids)
        feats = [mention_vec.unsqueeze(1).expand_as(cand_vec), cand_vec]
        if self.use_prior:
            feats.append(log_prior.unsqueeze(-1))
        return self.scorer(torch.cat(feats, dim=-1)).squeeze(-1)


def run_epoch(model, docs, tokenizer, optimizer) -> float:
    model.train()
    losses, correct, seen = [], 0, 0
    for batch in iter_batches(docs, tokenizer, len(KB)):
        scores = model(batch["input_ids"], batch["attention_mask"], batch["cand_ids"], batch["log_prior"])
        loss = F.cross_entropy(scores, batch["target"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        correct += (scores.argmax(-1) == batch["target"]).sum().item()
        seen += batch["target"].numel()
    print(f"loss={sum(losses) / len(losses):.4f} acc={correct / seen:.3f}")
    return correct / seen


if __name__ == "__main__":
    build_vocab(VOCAB_FILE)
    tok = BertTokenizer(VOCAB_FILE)
    tok.add_special_tokens({"additional_special_tokens": ["[E1]", "[/E1]"]})
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32)
    linker = BiEncoderLinker(cfg, num_entities=len(KB), marker_id=tok.convert_tokens_to_ids("[E1]"))
    opt = torch.optim.Adam(linker.parameters(), lr=1e-3)
    train_docs = make_documents(64)
    for epoch in range(3):
        run_epoch(linker, train_docs, tok, opt)
