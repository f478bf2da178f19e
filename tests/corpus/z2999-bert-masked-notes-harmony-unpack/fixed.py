import os
import random
from itertools import chain, cycle, islice

import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

random.seed(21)
torch.manual_seed(21)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "note_vocab.txt")

PITCHES = range(36, 97)
DURS = [1, 2, 3, 4, 6, 8]
GAPS = [1, 2, 4]


def write_vocab(path):
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = [f"p{p}" for p in PITCHES] + [f"d{d}" for d in DURS] + [f"r{g}" for g in GAPS]
    with open(path, "w") as fh:
        fh.write("\n".join(special + words) + "\n")


def melody(n_notes, tonic):
    steps = [0, 2, 4, 5, 7, 9, 11]
    t = 0
    degree = 0
    for _ in range(n_notes):
        degree = max(-7, min(10, degree + random.choice([-2, -1, -1, 1, 1, 2, 0])))
        octave, idx = divmod(degree, 7)
        dur = random.choice(DURS[:4])
        yield (tonic + 12 * octave + steps[idx], t, dur)
        t += dur + (random.choice(GAPS) if random.random() < 0.1 else 0)


def harmonize(line, velocity=70):
    for pitch, start, dur in line:
        yield (pitch, start, dur)
        if dur >= 3:
            yield (pitch - 4, start, dur)


def piece_to_text(piece):
    words = []
    prev_end = 0
    for pitch, start, dur in sorted(piece, key=lambda n: (n[1], -n[0])):
        if start > prev_end:
            words.append(f"r{min(GAPS, key=lambda g: abs(g - (start - prev_end)))}")
        words.append(f"p{pitch}")
        words.append(f"d{dur}")
        prev_end = max(prev_end, start + dur)
    return " ".join(words)


def mask_tokens(input_ids, tokenizer, prob=0.15):
    labels = input_ids.clone()
    special = torch.tensor([tokenizer.get_special_tokens_mask(row, already_has_special_tokens=True)
                            for row in input_ids.tolist()], dtype=torch.bool)
    chosen = (torch.rand(input_ids.shape) < prob) & ~special
    chosen &= input_ids != tokenizer.pad_token_id
    labels[~chosen] = -100
    corrupted = input_ids.clone()
    corrupted[chosen] = tokenizer.mask_token_id
    return corrupted, labels


def evaluate(model, tokenizer, pieces, max_len):
    model.eval()
    texts = [piece_to_text(p) for p in pieces]
    enc = tokenizer(texts, padding="max_length", truncation=True, max_length=max_len,
                    return_tensors="pt")
    inputs, labels = mask_tokens(enc["input_ids"], tokenizer)
    with torch.no_grad():
        out = model(input_ids=inputs, attention_mask=enc["attention_mask"], labels=labels)
    hit = (out.logits.argmax(-1) == labels)[labels != -100].float().mean().item()
    return out.loss.item(), hit


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    tonics = cycle([48, 55, 60, 62, 65])
    train_pieces = [list(melody(random.randint(10, 30), t)) for t in islice(tonics, 120)]
    val_pieces = [list(harmonize(melody(random.randint(10, 30), t))) for t in islice(tonics, 20)]
    print("vocab", tokenizer.vocab_size, "train notes", sum(map(len, train_pieces)),
          "distinct pitches", len(set(chain.from_iterable((n[0],) for p in train_pieces for n in p))))

    max_len = 96
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=128,
                        pad_token_id=tokenizer.pad_token_id)
    model = BertForMaskedLM(config)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

    texts = [piece_to_text(p) for p in train_pieces]
    for epoch in range(3):
        model.train()
        order = random.sample(range(len(texts)), len(texts))
        total = 0.0
        for i in range(0, len(order), 16):
            batch = [texts[j] for j in order[i:i + 16]]
            enc = tokenizer(batch, padding=True, truncation=True, max_length=max_len,
                            return_tensors="pt")
            inputs, labels = mask_tokens(enc["input_ids"], tokenizer)
            out = model(input_ids=inputs, attention_mask=enc["attention_mask"], labels=labels)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            total += out.loss.item()
        print(f"epoch {epoch}: train loss {total / ((len(order) + 15) // 16):.3f}")

    val_loss, val_acc = evaluate(model, tokenizer, val_pieces, max_len)
    print(f"harmonized validation: loss {val_loss:.3f} masked acc {val_acc:.2f}")


if __name__ == "__main__":
    main()
