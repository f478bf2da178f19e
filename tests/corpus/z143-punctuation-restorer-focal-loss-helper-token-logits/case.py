"""Punctuation restoration for ASR transcripts: tiny BERT token tagger trained with a focal loss."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

torch.manual_seed(0)
PUNCT = ["O", "COMMA", "PERIOD", "QUESTION"]
MARK = {",": "COMMA", ".": "PERIOD", "?": "QUESTION"}

TRANSCRIPTS = [
    "well, i think we should start now.",
    "did you get the minutes from yesterday?",
    "first, open the report, then check the totals.",
    "no, that is fine.",
    "can everyone hear me?",
    "ok, let us move on to the budget.",
]


def words_and_tags(sentence):
    words, tags = [], []
    for raw in sentence.split():
        words.append(raw.rstrip(",.?"))
        tags.append(PUNCT.index(MARK.get(raw[-1], "O")))
    return words, tags


def encode(batch_sentences, tokenizer):
    pairs = [words_and_tags(s) for s in batch_sentences]
    enc = tokenizer([w for w, _ in pairs], is_split_into_words=True, padding=True, return_tensors="pt")
    labels = torch.full(enc["input_ids"].shape, -100)
    for row, (_, tags) in enumerate(pairs):
        previous = None
        for col, word_idx in enumerate(enc.word_ids(row)):
            if word_idx is not None and word_idx != previous:
                labels[row, col] = tags[word_idx]  # tag the first piece of every word
            previous = word_idx
    return enc, labels


def focal_loss(logits, targets, gamma=2.0, ignore_index=-100):
    """Down-weights the easy (mostly 'O') positions."""
    ce = F.cross_entropy(logits, targets, reduction="none", ignore_index=ignore_index)
    pt = torch.exp(-ce)
    keep = targets != ignore_index
    return ((1 - pt) ** gamma * ce)[keep].mean()


def main():
    tmp = tempfile.mkdtemp()
    words = sorted({w for s in TRANSCRIPTS for w in words_and_tags(s)[0]})
    with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(tmp, "vocab.txt"))
    tagger = BertForTokenClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                   num_attention_heads=2, intermediate_size=37,
                                                   max_position_embeddings=64, num_labels=len(PUNCT)))
    optimizer = torch.optim.AdamW(tagger.parameters(), lr=5e-4)
    tagger.train()
    for epoch in range(2):
        for start in range(0, len(TRANSCRIPTS), 3):
            enc, labels = encode(TRANSCRIPTS[start:start + 3], tokenizer)
            logits = tagger(**enc).logits
            loss = focal_loss(logits, labels)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        print(f"epoch {epoch}: focal loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
