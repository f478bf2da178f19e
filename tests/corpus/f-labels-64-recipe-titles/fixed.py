import os
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BartConfig, BartForConditionalGeneration, BertTokenizer

RECIPES = [
    ("boil pasta add tomato sauce and basil", "tomato basil pasta"),
    ("fry eggs with onion and pepper", "pepper onion eggs"),
    ("bake chicken with lemon and garlic", "lemon garlic chicken"),
    ("mix rice with beans and corn", "rice and beans"),
    ("grill fish with lemon and salt", "grilled lemon fish"),
    ("boil potatoes mash with butter", "buttery mashed potatoes"),
]


def build_tokenizer(workdir):
    words = sorted({w for src, tgt in RECIPES for w in (src + " " + tgt).split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class RecipeTitles(Dataset):
    def __init__(self, pairs):
        self.pairs = pairs

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, idx):
        steps, title = self.pairs[idx]
        return {"steps": steps, "title": title}


class TitleCollator:
    def __init__(self, tokenizer, max_src=16, max_tgt=8):
        self.tok = tokenizer
        self.max_src = max_src
        self.max_tgt = max_tgt

    def __call__(self, batch):
        src = self.tok([b["steps"] for b in batch], padding=True, truncation=True,
                       max_length=self.max_src, return_tensors="pt")
        tgt = self.tok([b["title"] for b in batch], padding=True, truncation=True,
                       max_length=self.max_tgt, return_tensors="pt")["input_ids"]
        dec_in = tgt[:, :-1].clone()
        lab = tgt[:, 1:].clone()
        lab[lab == self.tok.pad_token_id] = -100
        return {
            "input_ids": src["input_ids"],
            "attention_mask": src["attention_mask"],
            "decoder_input_ids": dec_in,
            "labels": lab,
        }


def make_model(tokenizer):
    cfg = BartConfig(
        vocab_size=tokenizer.vocab_size,
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=64,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.cls_token_id,
        eos_token_id=tokenizer.sep_token_id,
        decoder_start_token_id=tokenizer.cls_token_id,
    )
    return BartForConditionalGeneration(cfg)


def train(epochs=2):
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp()
    tokenizer = build_tokenizer(workdir)
    loader = DataLoader(RecipeTitles(RECIPES), batch_size=3, shuffle=True,
                        collate_fn=TitleCollator(tokenizer))
    model = make_model(tokenizer)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    for epoch in range(epochs):
        running = 0.0
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch}: loss {running / len(loader):.4f}")


if __name__ == "__main__":
    train()
