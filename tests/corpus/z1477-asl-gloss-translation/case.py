"""Gloss-to-English: translate ASL gloss transcriptions from the annotation
team into English sentences. Tiny T5 trained from scratch with Accelerate."""
import functools
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertTokenizer, T5Config, T5ForConditionalGeneration

set_seed(1234)

CORPUS = [
    ("IX-1 STORE GO YESTERDAY", "i went to the store yesterday"),
    ("YOU NAME WHAT", "what is your name"),
    ("IX-1 COFFEE LIKE NOT", "i do not like coffee"),
    ("TOMORROW IX-3 WORK FINISH EARLY", "tomorrow she will finish work early"),
    ("BOOK IX-1 READ FINISH", "i already read the book"),
    ("YOU HUNGRY YOU", "are you hungry"),
    ("IX-3 SISTER TEACHER", "his sister is a teacher"),
    ("RAIN TODAY IX-1 STAY HOME", "it is raining so i am staying home"),
]
MAX_SRC = 12
MAX_TGT = 12


def make_tokenizer(workdir):
    vocab = set()
    for gloss, eng in CORPUS:
        vocab.update(gloss.lower().split())
        vocab.update(eng.split())
    vocab.update(["-", "ix", "1", "3"])
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(vocab):
            fh.write(t + "\n")
    return BertTokenizer(path)


def encode_pair(tok, gloss, english, start_id):
    src = tok(gloss, truncation=True, max_length=MAX_SRC)["input_ids"]
    tgt = tok(english, add_special_tokens=False)["input_ids"][:MAX_TGT - 1] + [tok.sep_token_id]
    # teacher forcing: decoder sees the start token followed by the reference
    dec_in = [start_id] + tgt
    return {"src": src, "dec_in": dec_in, "target": tgt}


def pad_to(seqs, value):
    width = max(len(s) for s in seqs)
    return torch.tensor([s + [value] * (width - len(s)) for s in seqs])


def collate(examples, pad_id):
    src = pad_to([e["src"] for e in examples], pad_id)
    return {
        "input_ids": src,
        "attention_mask": (src != pad_id).long(),
        "decoder_input_ids": pad_to([e["dec_in"] for e in examples], pad_id),
        "labels": pad_to([e["target"] for e in examples], -100),
    }


def main():
    accelerator = Accelerator(cpu=True)
    workdir = tempfile.mkdtemp()
    tok = make_tokenizer(workdir)
    cfg = T5Config(vocab_size=len(tok), d_model=32, d_kv=16, d_ff=64, num_layers=2,
                   num_decoder_layers=2, num_heads=2, pad_token_id=tok.pad_token_id,
                   eos_token_id=tok.sep_token_id, decoder_start_token_id=tok.cls_token_id)
    model = T5ForConditionalGeneration(cfg)

    examples = [encode_pair(tok, g, e, cfg.decoder_start_token_id) for g, e in CORPUS]
    loader = DataLoader(examples, batch_size=4, shuffle=True,
                        collate_fn=functools.partial(collate, pad_id=tok.pad_token_id))
    optim = torch.optim.AdamW(model.parameters(), lr=4e-3)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(4):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.3f}")

    unwrapped = accelerator.unwrap_model(model)
    unwrapped.eval()
    test = ["IX-1 COFFEE LIKE", "YOU WORK TOMORROW"]
    enc = tok(test, padding=True, truncation=True, max_length=MAX_SRC, return_tensors="pt")
    with torch.no_grad():
        pred = unwrapped.generate(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                                  max_new_tokens=MAX_TGT)
    for gloss, ids in zip(test, pred):
        accelerator.print(f"{gloss:<22} -> {tok.decode(ids, skip_special_tokens=True)}")


if __name__ == "__main__":
    main()
