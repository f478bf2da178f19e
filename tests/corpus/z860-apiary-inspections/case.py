# Hive inspection triage: given the inspector's question, the field note and the
# weather line for that day, predict whether the colony needs a follow-up visit.
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


class HiveRecord:
    def __init__(self, question, note, weather, follow_up):
        self._question = question
        self._note = note
        self._weather = weather
        self._follow_up = follow_up

    def get_question(self):
        return self._question

    def get_note(self):
        return self._note

    def get_weather(self):
        return self._weather

    def get_follow_up(self):
        return self._follow_up


class SegmentEncoder:
    """Packs several text segments into one BERT input, one segment id per part."""

    def __init__(self, tokenizer, max_length):
        self._tokenizer = tokenizer
        self._max_length = max_length

    def encode(self, segments):
        tok = self._tokenizer
        ids = [tok.cls_token_id]
        token_type_ids = [0]
        for segment_index, text in enumerate(segments):
            piece_ids = tok.convert_tokens_to_ids(tok.tokenize(text)) + [tok.sep_token_id]
            ids.extend(piece_ids)
            token_type_ids.extend([segment_index] * len(piece_ids))
        ids = ids[: self._max_length]
        token_type_ids = token_type_ids[: self._max_length]
        pad = self._max_length - len(ids)
        attention = [1] * len(ids) + [0] * pad
        ids = ids + [tok.pad_token_id] * pad
        token_type_ids = token_type_ids + [0] * pad
        return ids, token_type_ids, attention


class AbstractTrainer:
    def __init__(self):
        self._model = None
        self._optimizer = None

    def get_model(self):
        return self._model

    def set_model(self, model):
        self._model = model

    def run(self):
        self.prepare_data()
        self.build_model()
        for epoch in range(self.get_epochs()):
            loss = self.train_step()
            print(f"[trainer] epoch {epoch} loss={loss:.4f}")
        self.evaluate()

    def prepare_data(self):
        raise NotImplementedError

    def build_model(self):
        raise NotImplementedError

    def train_step(self):
        raise NotImplementedError

    def evaluate(self):
        raise NotImplementedError

    def get_epochs(self):
        return 1


class HiveTrainer(AbstractTrainer):
    WORDS = ("[PAD] [UNK] [CLS] [SEP] [MASK] queen brood capped larvae eggs seen no yes "
             "is the present colony swarm cells mites varroa honey flow rain sunny windy cold "
             "warm frames of ? calm aggressive supers full light dry").split()

    def __init__(self):
        super().__init__()
        self._records = []
        self._encoder = None
        self._batch = None

    def prepare_data(self):
        vocab_dir = tempfile.mkdtemp()
        vocab_path = os.path.join(vocab_dir, "vocab.txt")
        with open(vocab_path, "w") as fh:
            fh.write("\n".join(self.WORDS) + "\n")
        self._encoder = SegmentEncoder(BertTokenizer(vocab_path), max_length=24)
        self._records = [
            HiveRecord("is the queen present ?", "eggs seen capped brood", "sunny warm", 0),
            HiveRecord("swarm cells ?", "swarm cells seen no eggs", "rain cold", 1),
            HiveRecord("varroa mites ?", "mites seen on frames", "windy", 1),
            HiveRecord("honey flow ?", "supers full calm colony", "sunny dry", 0),
        ]
        rows = [self._encoder.encode([r.get_question(), r.get_note(), r.get_weather()])
                for r in self._records]
        self._batch = {
            "input_ids": torch.tensor([r[0] for r in rows]),
            "token_type_ids": torch.tensor([r[1] for r in rows]),
            "attention_mask": torch.tensor([r[2] for r in rows]),
            "labels": torch.tensor([r.get_follow_up() for r in self._records]),
        }
        print(f"[data] {len(self._records)} inspections encoded, shape {tuple(self._batch['input_ids'].shape)}")

    def build_model(self):
        config = BertConfig(vocab_size=len(self.WORDS), hidden_size=32, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=64,
                            max_position_embeddings=64, type_vocab_size=2, num_labels=2)
        self.set_model(BertForSequenceClassification(config))
        self._optimizer = torch.optim.AdamW(self.get_model().parameters(), lr=1e-3)

    def train_step(self):
        model = self.get_model()
        model.train()
        out = model(**self._batch)
        out.loss.backward()
        self._optimizer.step()
        self._optimizer.zero_grad()
        return out.loss.item()

    def evaluate(self):
        model = self.get_model()
        model.eval()
        with torch.no_grad():
            preds = model(**self._batch).logits.argmax(-1)
        print(f"[eval] follow-up predictions: {preds.tolist()}")

    def get_epochs(self):
        return 3


class Main:
    @staticmethod
    def main():
        random.seed(7)
        torch.manual_seed(7)
        HiveTrainer().run()


if __name__ == "__main__":
    Main.main()
