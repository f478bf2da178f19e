"""Commonsense story endings: pick the right ending out of four with BertForMultipleChoice and the HF Trainer."""
import functools
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.utils.data import Dataset
from transformers import BertConfig, BertForMultipleChoice, BertTokenizer, Trainer, TrainingArguments

STORIES = [
    ("she opened the umbrella", ["because it was raining", "because she was hungry",
                                 "and ate the soup", "then the phone rang"], 0),
    ("he put the milk back", ["in the oven", "in the fridge", "on the roof", "under the bed"], 1),
    ("the kids ran outside", ["to sleep", "to read a book", "to play in the snow", "to cook dinner"], 2),
    ("the car would not start", ["so he sang a song", "so she planted roses", "so they painted the wall",
                                 "so he called a mechanic"], 3),
    ("the baby was crying", ["so the mother fed him", "so the dog flew away", "and the sun rose twice",
                             "and the river was dry"], 0),
    ("the oven was hot", ["so she froze the bread", "so she baked the bread", "so the cat swam",
                          "and the bus left early"], 1),
]


class EndingPairs(Dataset):
    """One example per context, with its candidate endings."""

    def __init__(self, stories):
        self.items = [{"context": ctx, "endings": [{"text": e, "correct": int(i == gold)} for i, e in enumerate(ends)]}
                      for ctx, ends, gold in stories]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate_choices(batch, tokenizer, max_length=24):
    contexts = [ex["context"] for ex in batch for _ in ex["endings"]]
    endings = [e["text"] for ex in batch for e in ex["endings"]]
    enc = tokenizer(contexts, endings, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    n_choices = len(batch[0]["endings"])
    features = {k: v.view(len(batch), n_choices, -1) for k, v in enc.items()}
    features["labels"] = torch.tensor([e["correct"] for ex in batch for e in ex["endings"]])
    return features


def build_tokenizer(folder):
    words = sorted({w for ctx, ends, _ in STORIES for w in " ".join([ctx] + ends).split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def main():
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp(prefix="endings-")
    tokenizer = build_tokenizer(workdir)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    model = BertForMultipleChoice(config)
    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=2, max_steps=3,
                             learning_rate=5e-4, report_to="none", use_cpu=True, save_strategy="no", disable_tqdm=True,
                             remove_unused_columns=False, logging_steps=1, seed=0)
    trainer = Trainer(model=model, args=args, train_dataset=EndingPairs(STORIES),
                      data_collator=functools.partial(collate_choices, tokenizer=tokenizer))
    trainer.train()
    print("done, final loss", trainer.state.log_history[-1].get("train_loss"))


if __name__ == "__main__":
    main()
