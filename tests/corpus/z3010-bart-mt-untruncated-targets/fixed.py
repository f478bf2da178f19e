import os
import random
from types import SimpleNamespace

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BartConfig, BartForConditionalGeneration, BertTokenizer

cfg = SimpleNamespace(
    max_len=64,
    batch_size=8,
    epochs=1,
    lr=5e-4,
    warmup=10,
    seed=42,
    d_model=32,
    workdir=os.path.dirname(os.path.abspath(__file__)),
)

random.seed(cfg.seed)
np.random.seed(cfg.seed)
torch.manual_seed(cfg.seed)

ES = "el la los gato perro casa ve come pequeño grande rojo verde manzana jardín rápido y pero".split()
EN = "the cat dog house sees eats small big red green apple garden quickly and but".split()


def write_vocab(path):
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(ES + EN))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(toks) + "\n")


def make_corpus(n):
    rng = np.random.default_rng(cfg.seed)
    pairs = []
    for i in range(n):
        n_clauses = 1 if i % 10 else 7
        src_parts, tgt_parts = [], []
        for _ in range(n_clauses):
            k = int(rng.integers(4, 10))
            src_parts.append(" ".join(rng.choice(ES[:-2], size=k)))
            tgt_parts.append(" ".join(rng.choice(EN[:-2], size=k + int(rng.integers(1, 4)))))
        pairs.append({"src": " y ".join(src_parts), "tgt": " and ".join(tgt_parts)})
    return pairs


class TranslationCollator:
    def __init__(self, tokenizer, max_len):
        self.tok = tokenizer
        self.max_len = max_len

    def __call__(self, examples):
        enc = self.tok(
            [ex["src"] for ex in examples],
            max_length=self.max_len,
            truncation=True,
            padding=True,
            return_tensors="pt",
        )
        dec = self.tok(
            [ex["tgt"] for ex in examples],
            max_length=self.max_len,
            truncation=True,
            padding=True,
            return_tensors="pt",
        )
        labels = dec["input_ids"].clone()
        labels[dec["attention_mask"] == 0] = -100
        return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "labels": labels}


def build_model(tokenizer):
    config = BartConfig(
        vocab_size=tokenizer.vocab_size,
        d_model=cfg.d_model,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=cfg.max_len,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.cls_token_id,
        eos_token_id=tokenizer.sep_token_id,
        decoder_start_token_id=tokenizer.cls_token_id,
        forced_eos_token_id=tokenizer.sep_token_id,
    )
    return BartForConditionalGeneration(config)


@torch.no_grad()
def greedy_translate(model, tokenizer, sentence, max_steps=30):
    enc = tokenizer(sentence, max_length=cfg.max_len, truncation=True, return_tensors="pt")
    memory = model.get_encoder()(**enc).last_hidden_state
    ys = torch.tensor([[model.config.decoder_start_token_id]])
    for _ in range(max_steps):
        out = model(encoder_outputs=(memory,), attention_mask=enc["attention_mask"], decoder_input_ids=ys)
        nxt = out.logits[:, -1].argmax(-1, keepdim=True)
        ys = torch.cat([ys, nxt], dim=1)
        if nxt.item() == tokenizer.sep_token_id:
            break
    return tokenizer.decode(ys[0], skip_special_tokens=True)


def main():
    vocab_path = os.path.join(cfg.workdir, "vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    corpus = make_corpus(160)
    split = int(0.9 * len(corpus))
    train, valid = corpus[:split], corpus[split:]

    collate = TranslationCollator(tokenizer, cfg.max_len)
    loader = DataLoader(train, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)

    model = build_model(tokenizer)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / cfg.warmup))

    for epoch in range(cfg.epochs):
        model.train()
        for step, batch in enumerate(loader):
            out = model(**batch)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            if step % 5 == 0:
                print(f"epoch {epoch} step {step} loss {out.loss.item():.3f}")

    model.eval()
    for ex in valid[:3]:
        print(ex["src"], "->", greedy_translate(model, tokenizer, ex["src"]))


if __name__ == "__main__":
    main()
