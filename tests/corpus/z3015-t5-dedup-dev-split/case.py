import os
import random
from dataclasses import dataclass
from types import SimpleNamespace

import torch
from torch.utils.data import DataLoader
from transformers import BertTokenizer, T5Config, T5ForConditionalGeneration

ROOT = os.path.dirname(os.path.abspath(__file__))
random.seed(2024)
torch.manual_seed(2024)

PT_EN = {"o": "the", "a": "the", "um": "a", "uma": "a", "menino": "boy", "menina": "girl", "livro": "book",
         "carta": "letter", "lê": "reads", "escreve": "writes", "novo": "new", "velho": "old"}

conf = SimpleNamespace(
    dev_size=24,
    batch_size=16,
    epochs=2,
    lr=1e-3,
    max_source_length=20,
    max_target_length=20,
    d_model=32,
    d_ff=64,
    n_layers=1,
    n_heads=2,
)


def write_vocab(path):
    words = sorted(set(PT_EN) | set(PT_EN.values()))
    with open(path, "w", encoding="utf-8") as fp:
        fp.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


tokenizer = BertTokenizer(write_vocab(os.path.join(ROOT, "vocab.txt")), do_lower_case=False, strip_accents=False)


def generate_raw_pairs(n):
    src_words = list(PT_EN)
    for _ in range(n):
        s = [random.choice(src_words) for _ in range(random.randint(2, 5))]
        yield " ".join(s), " ".join(PT_EN[w] for w in s)


@dataclass
class Seq2SeqCollator:
    tokenizer: BertTokenizer
    max_source_length: int
    max_target_length: int
    label_pad_id: int = -100

    def __call__(self, pairs):
        sources, targets = zip(*pairs)
        model_inputs = self.tokenizer(list(sources), max_length=self.max_source_length, truncation=True,
                                      padding=True, return_tensors="pt", add_special_tokens=False)
        tgt = self.tokenizer(list(targets), max_length=self.max_target_length - 1, truncation=True,
                             add_special_tokens=False)["input_ids"]
        width = max(map(len, tgt)) + 1
        labels = torch.full((len(tgt), width), self.label_pad_id, dtype=torch.long)
        for i, ids in enumerate(tgt):
            labels[i, : len(ids) + 1] = torch.tensor(ids + [self.tokenizer.sep_token_id])
        model_inputs["labels"] = labels
        return dict(model_inputs)


def split_corpus(pairs, dev_size):
    unique_pairs = set(pairs)
    dev = random.sample(unique_pairs, dev_size)
    dev_set = set(dev)
    train = [p for p in unique_pairs if p not in dev_set]
    return train, dev


@torch.no_grad()
def greedy_translate(model, batch, max_len):
    model.eval()
    enc = model.get_encoder()(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
    dec = torch.full((batch["input_ids"].size(0), 1), model.config.decoder_start_token_id, dtype=torch.long)
    finished = torch.zeros(dec.size(0), dtype=torch.bool)
    for _ in range(max_len):
        out = model(encoder_outputs=enc, attention_mask=batch["attention_mask"], decoder_input_ids=dec)
        nxt = out.logits[:, -1].argmax(-1)
        nxt = nxt.masked_fill(finished, tokenizer.pad_token_id)
        dec = torch.cat([dec, nxt[:, None]], dim=1)
        finished |= nxt.eq(tokenizer.sep_token_id)
        if finished.all():
            break
    return dec[:, 1:]


def main():
    train_pairs, dev_pairs = split_corpus(list(generate_raw_pairs(400)), conf.dev_size)
    print(f"{len(train_pairs)} train / {len(dev_pairs)} dev pairs")

    t5_config = T5Config(
        vocab_size=tokenizer.vocab_size, d_model=conf.d_model, d_kv=conf.d_model // conf.n_heads,
        d_ff=conf.d_ff, num_layers=conf.n_layers, num_decoder_layers=conf.n_layers, num_heads=conf.n_heads,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.sep_token_id,
        decoder_start_token_id=tokenizer.pad_token_id, dropout_rate=0.1,
    )
    model = T5ForConditionalGeneration(t5_config)
    collator = Seq2SeqCollator(tokenizer, conf.max_source_length, conf.max_target_length)
    train_loader = DataLoader(train_pairs, batch_size=conf.batch_size, shuffle=True, collate_fn=collator)
    dev_loader = DataLoader(dev_pairs, batch_size=conf.batch_size, collate_fn=collator)
    optimizer = torch.optim.AdamW(model.parameters(), lr=conf.lr)

    for epoch in range(conf.epochs):
        model.train()
        losses = []
        for batch in train_loader:
            loss = model(**batch).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss.item())
        print(f"epoch {epoch}: loss {sum(losses) / len(losses):.3f}")

    batch = next(iter(dev_loader))
    hyps = greedy_translate(model, batch, conf.max_target_length)
    for (src, ref), ids in zip(dev_pairs, hyps.tolist()):
        print(f"{src} | {ref} | {tokenizer.decode(ids, skip_special_tokens=True)}")


if __name__ == "__main__":
    main()
