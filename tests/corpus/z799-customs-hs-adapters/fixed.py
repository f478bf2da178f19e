"""HS chapter prediction for multilingual customs goods descriptions.

Shared tiny BERT + a light per-language FiLM adapter on the pooled vector,
trained with Accelerate so the same script runs on the GPU box later.
"""
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

set_seed(5)

# text clean-up rules per language (shared with the declaration parser)
NORMALIZERS = {
    "de": [(r"\bstk\b", "stueck")], "en": [(r"\bpcs\b", "pieces")], "es": [(r"\buds\b", "unidades")],
    "fr": [(r"\bpces\b", "pieces")], "it": [], "nl": [(r"\bst\b", "stuks")], "pl": [(r"\bszt\b", "sztuk")],
}
LANG_CODES = list(NORMALIZERS)
ADAPTER_LANGS = ["en", "de", "fr", "pl"]
HS_CHAPTERS = ["61 knitted apparel", "84 machinery", "09 coffee tea spices", "94 furniture"]

DECLARATIONS = [
    ("en", "cotton t shirts knitted 200 pcs", 0), ("de", "kaffee geroestet 40 stk saecke", 2),
    ("fr", "chaises en bois 12 pces", 3), ("pl", "pompy hydrauliczne 3 szt", 1),
    ("en", "centrifugal pumps spare parts", 1), ("de", "strickpullover aus wolle", 0),
    ("fr", "the vert en vrac", 2), ("pl", "krzesla drewniane 20 szt", 3),
    ("en", "wooden office desks", 3), ("de", "hydraulikpumpen 2 stk", 1),
    ("fr", "pulls tricotes en coton", 0), ("pl", "kawa palona 10 szt", 2),
]


def normalize(text, lang):
    text = unicodedata.normalize("NFKD", text.lower())
    for pattern, repl in NORMALIZERS[lang]:
        text = re.sub(pattern, repl, text)
    return text


@dataclass
class Declaration:
    lang: str
    text: str
    chapter: int


class DeclarationCollator:
    def __init__(self, tokenizer, max_len=16):
        self.tok, self.max_len = tokenizer, max_len

    def __call__(self, decls):
        enc = self.tok([normalize(d.text, d.lang) for d in decls], padding=True, truncation=True,
                       max_length=self.max_len, return_tensors="pt")
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "lang_idx": torch.tensor([ADAPTER_LANGS.index(d.lang) for d in decls]),
            "chapter": torch.tensor([d.chapter for d in decls]),
        }


class AdapterBertClassifier(nn.Module):
    def __init__(self, cfg, n_langs, n_classes):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.lang_film = nn.Embedding(n_langs, 2 * cfg.hidden_size)
        nn.init.zeros_(self.lang_film.weight)
        self.head = nn.Linear(cfg.hidden_size, n_classes)

    def forward(self, input_ids, attention_mask, lang_idx):
        cls_vec = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        scale, shift = self.lang_film(lang_idx).chunk(2, dim=-1)
        return self.head(cls_vec * (1 + scale) + shift)


def build_tokenizer(folder):
    words = sorted({w for _, t, _ in DECLARATIONS for lang in NORMALIZERS for w in normalize(t, lang).split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def main():
    accelerator = Accelerator(cpu=True)
    tok = build_tokenizer(tempfile.mkdtemp(prefix="hs_vocab_"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32)
    model = AdapterBertClassifier(cfg, n_langs=len(ADAPTER_LANGS), n_classes=len(HS_CHAPTERS))
    decls = [Declaration(*row) for row in DECLARATIONS]
    loader = DataLoader(decls, batch_size=4, shuffle=True, collate_fn=DeclarationCollator(tok))
    optim = torch.optim.AdamW(model.parameters(), lr=2e-3)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    for epoch in range(4):
        model.train()
        seen, correct, running = 0, 0, 0.0
        for batch in loader:
            gold = batch.pop("chapter")
            logits = model(**batch)
            loss = F.cross_entropy(logits, gold)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            running += loss.item() * gold.size(0)
            correct += (logits.argmax(-1) == gold).sum().item()
            seen += gold.size(0)
        accelerator.print(f"epoch {epoch}: loss {running / seen:.3f}  acc {correct / seen:.2f}")

    per_lang = accelerator.unwrap_model(model).lang_film.weight.norm(dim=-1)
    for code, norm in zip(ADAPTER_LANGS, per_lang.tolist()):
        accelerator.print(f"adapter[{code}] |film| = {norm:.4f}")


if __name__ == "__main__":
    main()
