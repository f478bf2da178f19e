"""Domain-adaptive MLM pretraining on railway signalling fault reports, with Accelerate."""
import functools
import os
import random
import tempfile

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

set_seed(11)
random.seed(11)

REPORTS = [
    "track circuit tc204 showing occupied with no train present after heavy rain",
    "signal sg17 stuck at danger , points 412b failed to detect normal",
    "axle counter reset required at section ac09 after power dip",
    "balise group bg3 not read by passing unit , driver reported emergency brake",
    "points 412b heater fault , ice in switch blades overnight",
    "lineside cable theft near sg22 , multiple track circuits down",
    "interlocking lost communication with object controller oc5 for four minutes",
    "signal sg17 lamp proving failure , aspect dark on approach",
]
# equipment prefixes engineers want kept whole instead of split into wordpieces
EQUIPMENT = ["tc204", "sg17", "sg22", "412b", "ac09", "bg3", "oc5"]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab(words, d=None):
    return (p := os.path.join(d or tempfile.mkdtemp(), "vocab.txt")), open(p, "w").write("\n".join(words))


def load_tokenizer(*a, extra_tokens=(), **kw):
    return (tok := BertTokenizer(*a, **kw)), tok.add_tokens(list(extra_tokens))


def mask_tokens(ids, tok, p=0.15):
    lab = ids.clone()
    chosen = (torch.rand(ids.shape) < p) & ~torch.isin(ids, torch.tensor(tok.all_special_ids))
    lab[~chosen] = -100
    return ids.masked_fill(chosen, tok.mask_token_id), lab


def collate(texts, *, tok, **enc_kw):
    enc = tok(texts, return_tensors="pt", padding=True, **enc_kw)
    inp, lab = mask_tokens(enc["input_ids"], tok)
    return {"input_ids": inp, "attention_mask": enc["attention_mask"], "labels": lab}


def build_model(**cfg):
    return BertForMaskedLM(BertConfig(**{"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
                                         "intermediate_size": 64, "max_position_embeddings": 64, **cfg}))


def main(epochs=3, lr=3e-4):
    base = SPECIALS + sorted({w for r in REPORTS for w in r.split()} - set(EQUIPMENT))
    path, _ = write_vocab(base)
    tok, n_added = load_tokenizer(path, do_lower_case=True, extra_tokens=EQUIPMENT)
    print(f"base vocab {len(base)} + {n_added} equipment tokens -> tokenizer size {len(tok)}")

    model = build_model(vocab_size=len(base))
    acc = Accelerator(cpu=True)
    loader = DataLoader(REPORTS, batch_size=4, shuffle=True,
                        collate_fn=functools.partial(collate, tok=tok, truncation=True, max_length=48))
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    model, opt, loader = acc.prepare(model, opt, loader)

    for ep in range(epochs):
        model.train()
        losses = []
        for batch in loader:
            acc.backward(loss := model(**batch).loss)
            opt.step(), opt.zero_grad()
            losses.append(loss.item())
        acc.print(f"epoch {ep}: mean loss {sum(losses) / len(losses):.4f}")
    return model


if __name__ == "__main__":
    main()
