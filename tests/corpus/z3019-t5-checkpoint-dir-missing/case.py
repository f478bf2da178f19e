import json
import os
import random
from dataclasses import dataclass
from types import SimpleNamespace

import torch
from torch.utils.data import DataLoader
from transformers import BertTokenizer, T5Config, T5ForConditionalGeneration

HERE = os.path.dirname(os.path.abspath(__file__))

cfg = SimpleNamespace(
    seed=42,
    run_name="t5-tiny-fr-en",
    log_dir=os.path.join(HERE, "logs"),
    ckpt_dir=os.path.join(HERE, "checkpoints"),
    n_pairs=300,
    batch_size=20,
    max_len=24,
    epochs=2,
    lr=1e-3,
    greedy_steps=10,
)

FR_EN = {"le": "the", "chat": "cat", "chien": "dog", "mange": "eats", "dort": "sleeps",
         "pain": "bread", "petit": "small", "grand": "big", "noir": "black", "blanc": "white",
         "et": "and", "voit": "sees", "souris": "mouse", "pomme": "apple", "rouge": "red"}


def build_tokenizer():
    vocab_path = os.path.join(HERE, "vocab.txt")
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(FR_EN) | set(FR_EN.values()))
    with open(vocab_path, "w") as f:
        f.writelines(t + "\n" for t in tokens)
    return BertTokenizer(vocab_path, do_lower_case=True)


def generate_pairs(n, rng):
    out = []
    for _ in range(n):
        words = rng.choices(list(FR_EN), k=rng.randint(2, 9))
        out.append((" ".join(words), " ".join(FR_EN[w] for w in words)))
    return out


@dataclass
class Seq2SeqCollator:
    tokenizer: BertTokenizer
    max_len: int
    decoder_start_id: int

    def __call__(self, pairs):
        sources, targets = zip(*pairs)
        enc = self.tokenizer(list(sources), padding=True, truncation=True,
                             max_length=self.max_len, return_tensors="pt")
        dec = self.tokenizer(list(targets), padding=True, truncation=True,
                             max_length=self.max_len, return_tensors="pt")
        labels = dec["input_ids"][:, 1:].clone()
        decoder_input_ids = torch.cat(
            [torch.full((labels.size(0), 1), self.decoder_start_id), labels[:, :-1]], dim=1)
        decoder_attention_mask = (decoder_input_ids != self.tokenizer.pad_token_id).long()
        decoder_attention_mask[:, 0] = 1
        labels[labels == self.tokenizer.pad_token_id] = -100
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "decoder_input_ids": decoder_input_ids,
            "decoder_attention_mask": decoder_attention_mask,
            "labels": labels,
        }


def build_model(tok):
    config = T5Config(
        vocab_size=tok.vocab_size, d_model=32, d_kv=16, d_ff=64,
        num_layers=1, num_decoder_layers=1, num_heads=2,
        pad_token_id=tok.pad_token_id, eos_token_id=tok.sep_token_id,
        decoder_start_token_id=tok.cls_token_id,
    )
    return T5ForConditionalGeneration(config)


@torch.no_grad()
def greedy(model, tok, text):
    model.eval()
    enc = tok(text, return_tensors="pt")
    memory = model.get_encoder()(**enc)
    out = [model.config.decoder_start_token_id]
    for _ in range(cfg.greedy_steps):
        logits = model(encoder_outputs=memory, attention_mask=enc["attention_mask"],
                       decoder_input_ids=torch.tensor([out])).logits
        nxt = int(logits[0, -1].argmax())
        if nxt == tok.sep_token_id:
            break
        out.append(nxt)
    return tok.decode(out[1:], skip_special_tokens=True)


def train():
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    os.makedirs(cfg.log_dir, exist_ok=True)
    tok = build_tokenizer()
    pairs = generate_pairs(cfg.n_pairs, rng)
    train_pairs, dev_pairs = pairs[:270], pairs[270:]

    collator = Seq2SeqCollator(tok, cfg.max_len, tok.cls_token_id)
    loader = DataLoader(train_pairs, batch_size=cfg.batch_size, shuffle=True, collate_fn=collator)
    model = build_model(tok)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)

    history = []
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        epoch_loss = 0.0
        for batch in loader:
            loss = model(**batch).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            epoch_loss += loss.item()
        epoch_loss /= len(loader)
        history.append({"epoch": epoch, "loss": round(epoch_loss, 4)})
        print(f"[{cfg.run_name}] epoch {epoch} loss {epoch_loss:.4f}")
        ckpt_path = os.path.join(cfg.ckpt_dir, cfg.run_name, f"epoch{epoch:02d}.pt")
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "epoch": epoch}, ckpt_path)

    with open(os.path.join(cfg.log_dir, f"{cfg.run_name}.json"), "w") as f:
        json.dump(history, f)
    for src, ref in dev_pairs[:3]:
        print(f"{src} -> {greedy(model, tok, src)}  (ref: {ref})")


if __name__ == "__main__":
    train()
