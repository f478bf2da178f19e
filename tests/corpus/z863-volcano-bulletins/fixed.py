# Volcano observatory: suggest an aviation colour code (green/yellow/orange/red)
# from the duty volcanologist's short shift summary.
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

COLOUR_CODES = ["green", "yellow", "orange", "red"]

SHIFT_SUMMARIES = [
    ("background tremor quiet no deformation", "green"),
    ("n/a", "green"),
    ("increased tremor and minor inflation at summit", "yellow"),
    ("ash emission plume to 4 km drifting east", "orange"),
    ("", "yellow"),
    ("continuous ash column above 10 km lava fountaining", "red"),
    ("so2 flux elevated small earthquakes swarm", "yellow"),
    ("quiet fumarole activity", "green"),
    ("explosions hourly ash plume to 6 km", "orange"),
    ("sustained eruption column pyroclastic flows", "red"),
]

VOCAB = ("[PAD] [UNK] [CLS] [SEP] [MASK] background tremor quiet no deformation increased and minor "
         "inflation at summit ash emission plume to km drifting east continuous column above lava "
         "fountaining so2 flux elevated small earthquakes swarm fumarole activity explosions hourly "
         "sustained eruption pyroclastic flows 4 6 10").split()


class ShiftSummary:
    def __init__(self, text, colour):
        self._text = text
        self._colour = colour

    def get_text(self):
        return self._text

    def get_colour_index(self):
        return COLOUR_CODES.index(self._colour)


class SummaryCleaner:
    _PLACEHOLDERS = {"", "n/a", "none", "-"}

    def is_usable(self, text):
        return text.strip().lower() not in self._PLACEHOLDERS

    def clean_all(self, texts):
        return [t.strip().lower() for t in texts if self.is_usable(t)]


class AbstractTrainer:
    def __init__(self):
        self._history = []

    def get_history(self):
        return self._history

    def run(self):
        self.load_records()
        self.prepare_data()
        self.build_model()
        for step in range(self.get_steps()):
            self._history.append(self.train_step())
            print(f"step {step:02d} loss {self._history[-1]:.4f}")
        self.evaluate()

    def load_records(self):
        raise NotImplementedError

    def prepare_data(self):
        raise NotImplementedError

    def build_model(self):
        raise NotImplementedError

    def train_step(self):
        raise NotImplementedError

    def evaluate(self):
        raise NotImplementedError

    def get_steps(self):
        return 5


class ColourCodeTrainer(AbstractTrainer):
    def __init__(self):
        super().__init__()
        self._records = []
        self._tokenizer = None
        self._features = None
        self._targets = None
        self._model = None
        self._optimizer = None

    def get_targets(self):
        return self._targets

    def set_targets(self, targets):
        self._targets = targets

    def load_records(self):
        self._records = [ShiftSummary(t, c) for t, c in SHIFT_SUMMARIES]
        print(f"loaded {len(self._records)} shift summaries")

    def prepare_data(self):
        vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
        with open(vocab_path, "w") as fh:
            fh.write("\n".join(VOCAB) + "\n")
        self._tokenizer = BertTokenizer(vocab_path)
        cleaner = SummaryCleaner()
        self._records = [r for r in self._records if cleaner.is_usable(r.get_text())]
        summaries = cleaner.clean_all([r.get_text() for r in self._records])
        self._features = self._tokenizer(summaries, padding=True, return_tensors="pt")
        self.set_targets(torch.tensor([r.get_colour_index() for r in self._records]))
        print(f"features {tuple(self._features['input_ids'].shape)}")

    def build_model(self):
        cfg = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=32, num_labels=len(COLOUR_CODES))
        torch.manual_seed(11)
        self._model = BertForSequenceClassification(cfg)
        self._optimizer = torch.optim.AdamW(self._model.parameters(), lr=5e-4)

    def train_step(self):
        self._model.train()
        result = self._model(**self._features, labels=self.get_targets())
        result.loss.backward()
        self._optimizer.step()
        self._optimizer.zero_grad()
        return result.loss.item()

    def evaluate(self):
        self._model.eval()
        with torch.no_grad():
            predicted = self._model(**self._features).logits.argmax(dim=-1)
        print("suggested codes:", [COLOUR_CODES[i] for i in predicted.tolist()])


class Main:
    @staticmethod
    def main():
        torch.manual_seed(11)
        ColourCodeTrainer().run()


if __name__ == "__main__":
    Main.main()
