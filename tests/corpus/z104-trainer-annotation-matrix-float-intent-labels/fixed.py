"""Intent detection for a banking chatbot: BERT + HF Trainer, labels from the annotation export."""
import os
import tempfile

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments

INTENTS = ["balance", "transfer", "card_lost"]
UTTERANCES = [
    "what is my balance", "send money to my sister", "i lost my card",
    "how much money do i have", "transfer fifty to savings", "my card was stolen",
    "show my account balance", "move money to my other account",
]
# annotation tool export: one row per utterance -> [intent id, annotator agreement]
ANNOTATIONS = np.array([[0, 1.0], [1, 0.67], [2, 1.0], [0, 1.0], [1, 1.0], [2, 0.67], [0, 1.0], [1, 0.33]])


def make_tokenizer(texts, folder):
    path = os.path.join(folder, "vocab.txt")
    words = sorted({w for t in texts for w in t.split()})
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class IntentSet(torch.utils.data.Dataset):
    def __init__(self, texts, annotations, tokenizer, min_agreement=0.5):
        keep = annotations[:, 1] >= min_agreement
        self.texts = [t for t, k in zip(texts, keep) if k]
        self.intent = annotations[keep, 0].astype(np.int64)
        self.tokenizer = tokenizer

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, i):
        enc = self.tokenizer(self.texts[i], padding="max_length", max_length=12, truncation=True,
                             return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(self.intent[i])
        return item


def run():
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp()
    tok = make_tokenizer(UTTERANCES, workdir)
    model = BertForSequenceClassification(BertConfig(
        vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=32, num_labels=len(INTENTS)))
    args = TrainingArguments(output_dir=workdir, per_device_train_batch_size=4, max_steps=3,
                             report_to=[], use_cpu=True, save_strategy="no", disable_tqdm=True, seed=0)
    train_set = IntentSet(UTTERANCES, ANNOTATIONS, tok)
    print(f"{len(train_set)} utterances kept")
    Trainer(model=model, args=args, train_dataset=train_set).train()
    print("done")


if __name__ == "__main__":
    run()
