"""Fine-tune a tiny GPT-2 to answer product questions; loss only on the answer tokens."""
import os
import random
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from transformers import BertTokenizerFast, GPT2Config, GPT2LMHeadModel

random.seed(0)
torch.manual_seed(0)

QA = [
    ("question : does the kettle switch off by itself ? answer :", "yes it has auto shut off"),
    ("question : is the case waterproof ? answer :", "no"),
    ("question : how long does the battery last ? answer :", "about ten hours of music"),
    ("question : can i wash the cover ? answer :", "yes at thirty degrees"),
    ("question : what colours are there ? answer :", "black and white"),
    ("question : does it come with a charger ? answer :", "only the cable"),
]
BATCH = 3


def load_tokenizer(qa):
    words = sorted({w for q, a in qa for w in f"{q} {a}".split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[EOS]"] + words) + "\n")
    return BertTokenizerFast(path, do_lower_case=True)


def make_examples(qa, tok):
    eos = tok.convert_tokens_to_ids("[EOS]")
    examples = []
    for question, answer in qa:
        question_ids = tok.encode(question, add_special_tokens=False)
        answer_ids = tok.encode(answer, add_special_tokens=False) + [eos]
        examples.append(dict(input_ids=question_ids + answer_ids, labels=[-100] * len(question_ids) + answer_ids))
    return examples


def pad_to_longest(rows, value):
    width = max(len(r) for r in rows)
    return torch.tensor([r + [value] * (width - len(r)) for r in rows])


def collate(examples, pad_id):
    ids = pad_to_longest([ex["input_ids"] for ex in examples], pad_id)
    return {
        "input_ids": ids,
        "attention_mask": (ids != pad_id).long(),
        "labels": pad_to_longest([ex["labels"] for ex in examples], -100),
    }


def main():
    tok = load_tokenizer(QA)
    examples = make_examples(QA, tok)
    eos_id = tok.convert_tokens_to_ids("[EOS]")
    lm = GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_positions=64, n_embd=32, n_layer=2, n_head=2,
                                    pad_token_id=tok.pad_token_id, bos_token_id=eos_id, eos_token_id=eos_id))
    optim = torch.optim.AdamW(lm.parameters(), lr=1e-3)
    lm.train()
    for epoch in range(2):
        random.shuffle(examples)
        for i in range(0, len(examples), BATCH):
            batch = collate(examples[i:i + BATCH], tok.pad_token_id)
            out = lm(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
        print(f"epoch {epoch}: loss {out.loss.item():.4f}")


if __name__ == "__main__":
    main()
