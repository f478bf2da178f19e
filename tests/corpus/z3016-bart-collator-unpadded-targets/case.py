import os
import random
from types import SimpleNamespace

import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BartConfig, BartForConditionalGeneration, BertTokenizer

cfg = SimpleNamespace(
    seed=13,
    n_pairs=256,
    batch_size=16,
    max_source_len=16,
    max_target_len=16,
    d_model=32,
    epochs=2,
    lr=3e-4,
    max_decode_len=12,
)

random.seed(cfg.seed)
torch.manual_seed(cfg.seed)

HERE = os.path.dirname(os.path.abspath(__file__))
SRC_WORDS = ["hund", "katze", "haus", "baum", "wasser", "brot", "rot", "blau", "gross", "klein",
             "der", "die", "das", "ist", "und", "sieht", "hat", "ein", "eine", "nicht"]
TGT_WORDS = ["dog", "cat", "house", "tree", "water", "bread", "red", "blue", "big", "small",
             "the", "the", "the", "is", "and", "sees", "has", "a", "a", "not"]
LEXICON = dict(zip(SRC_WORDS, TGT_WORDS))


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted(set(SRC_WORDS) | set(TGT_WORDS))
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def make_pairs(n):
    pairs = []
    for _ in range(n):
        length = random.randint(3, 12)
        src = [random.choice(SRC_WORDS) for _ in range(length)]
        tgt = [LEXICON[w] for w in src]
        if random.random() < 0.3:
            tgt = tgt + ["and", "the", random.choice(TGT_WORDS)]
        pairs.append({"src": " ".join(src), "tgt": " ".join(tgt)})
    return pairs


class PairDataset(Dataset):
    def __init__(self, pairs):
        self.pairs = pairs

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, idx):
        return self.pairs[idx]


class TranslationCollator:
    def __init__(self, tokenizer, max_source_len, max_target_len):
        self.tok = tokenizer
        self.max_source_len = max_source_len
        self.max_target_len = max_target_len

    def __call__(self, batch):
        src_ids = [
            self.tok(ex["src"], truncation=True, padding="max_length",
                     max_length=self.max_source_len)["input_ids"]
            for ex in batch
        ]
        tgt_ids = [
            self.tok(ex["tgt"], truncation=True, max_length=self.max_target_len)["input_ids"]
            for ex in batch
        ]
        input_ids = torch.stack([torch.tensor(s) for s in src_ids])
        labels = torch.stack([torch.tensor(t) for t in tgt_ids])
        attention_mask = (input_ids != self.tok.pad_token_id).long()

        decoder_input_ids = labels.new_full(labels.shape, self.tok.pad_token_id)
        decoder_input_ids[:, 1:] = labels[:, :-1]
        decoder_input_ids[:, 0] = self.tok.cls_token_id
        labels = labels.masked_fill(labels == self.tok.pad_token_id, -100)
        return {
            "input_ids": input_ids,
            "attention_mask": attention_mask,
            "decoder_input_ids": decoder_input_ids,
            "labels": labels,
        }


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
        max_position_embeddings=64,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.cls_token_id,
        eos_token_id=tokenizer.sep_token_id,
        decoder_start_token_id=tokenizer.cls_token_id,
        forced_eos_token_id=None,
    )
    return BartForConditionalGeneration(config)


@torch.no_grad()
def greedy_translate(model, tokenizer, sentence):
    model.eval()
    enc = tokenizer(sentence, return_tensors="pt", truncation=True, max_length=cfg.max_source_len)
    encoder_out = model.get_encoder()(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
    ys = torch.tensor([[tokenizer.cls_token_id]])
    for _ in range(cfg.max_decode_len):
        out = model(encoder_outputs=encoder_out, attention_mask=enc["attention_mask"], decoder_input_ids=ys)
        next_id = out.logits[:, -1].argmax(-1, keepdim=True)
        ys = torch.cat([ys, next_id], dim=1)
        if next_id.item() == tokenizer.sep_token_id:
            break
    return tokenizer.decode(ys[0], skip_special_tokens=True)


def main():
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "vocab.txt")))
    pairs = make_pairs(cfg.n_pairs)
    split = int(0.9 * len(pairs))
    train_ds, valid_ds = PairDataset(pairs[:split]), PairDataset(pairs[split:])

    collate = TranslationCollator(tokenizer, cfg.max_source_len, cfg.max_target_len)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)

    model = build_model(tokenizer)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for step, batch in enumerate(train_dl):
            out = model(**batch)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            optim.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch} train loss {total / (step + 1):.4f}")

    for ex in valid_ds.pairs[:3]:
        print(ex["src"], "->", greedy_translate(model, tokenizer, ex["src"]))


if __name__ == "__main__":
    main()
